package dev.sandbox.ingestion.parse;

import java.io.IOException;
import java.io.InputStream;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.sandbox.ingestion.event.RecordError;

/**
 * Newline-delimited JSON: one event per line, blank lines ignored. A line is at most
 * {@code maxRecordBytes}; a longer one is skipped to its end without being kept, and reported.
 * A line that is not a JSON object is an error of that line alone: the next line is read as usual.
 */
public final class NdjsonReader implements RecordReader {

    private final InputStream in;
    private final ObjectReader json;
    private final byte[] chunk = new byte[64 * 1024];
    private int position;
    private int limit;
    private byte[] line = new byte[1024];
    private final int maxLineBytes;
    private long lineNumber;

    public NdjsonReader(InputStream in, int maxRecordBytes) {
        this.in = in;
        this.maxLineBytes = maxRecordBytes;
        this.json = Json.treeReader(maxRecordBytes);
    }

    @Override
    public RecordError.Unit unit() {
        return RecordError.Unit.LINE;
    }

    @Override
    public ParsedRecord next() throws IOException {
        while (true) {
            var length = readLine();
            if (length == END) {
                return null;
            }
            if (length == TOO_LONG) {
                return ParsedRecord.unreadable(lineNumber, "", null, "line longer than " + maxLineBytes + " bytes");
            }
            if (isBlank(length)) {
                continue;
            }
            try {
                var node = json.readTree(line, 0, length);
                if (node instanceof ObjectNode fields) {
                    return ParsedRecord.of(lineNumber, "", fields);
                }
                return ParsedRecord.unreadable(lineNumber, "", null, "expected a JSON object");
            } catch (JacksonException e) {
                return ParsedRecord.unreadable(lineNumber, "", null, Json.reason(e));
            }
        }
    }

    private static final int END = -1;
    private static final int TOO_LONG = -2;

    /** Reads the next line into {@link #line}; its length, {@link #END} or {@link #TOO_LONG}. */
    private int readLine() throws IOException {
        var length = 0;
        var tooLong = false;
        var any = false;
        while (true) {
            if (position == limit) {
                limit = in.read(chunk);
                position = 0;
                if (limit <= 0) {
                    limit = 0;
                    if (!any) {
                        return END;
                    }
                    break;
                }
            }
            any = true;
            var newline = indexOf(chunk, (byte) '\n', position, limit);
            var end = newline < 0 ? limit : newline;
            if (!tooLong) {
                var count = end - position;
                if (length + count > maxLineBytes) {
                    tooLong = true;
                } else {
                    ensureCapacity(length + count);
                    System.arraycopy(chunk, position, line, length, count);
                    length += count;
                }
            }
            position = newline < 0 ? limit : newline + 1;
            if (newline >= 0) {
                break;
            }
        }
        lineNumber++;
        if (tooLong) {
            return TOO_LONG;
        }
        if (length > 0 && line[length - 1] == '\r') {
            length--;
        }
        return length;
    }

    private void ensureCapacity(int needed) {
        if (needed > line.length) {
            line = java.util.Arrays.copyOf(line, Math.min(maxLineBytes, Math.max(needed, line.length * 2)));
        }
    }

    private boolean isBlank(int length) {
        for (var i = 0; i < length; i++) {
            if (line[i] != ' ' && line[i] != '\t') {
                return false;
            }
        }
        return true;
    }

    private static int indexOf(byte[] bytes, byte wanted, int from, int to) {
        for (var i = from; i < to; i++) {
            if (bytes[i] == wanted) {
                return i;
            }
        }
        return -1;
    }
}
