package dev.sandbox.ingestion.parse;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.sandbox.ingestion.event.EventFields;
import dev.sandbox.ingestion.event.RecordError;

/**
 * RFC 4180 CSV, streamed: a header row, then one event per row. Fields may be quoted; inside
 * quotes a doubled quote is a quote, and commas and newlines are text. Rows end with CRLF or LF.
 * Columns named like event fields ({@code id}, {@code type}, {@code source}, {@code ts}, in any
 * case) fill them; every other column goes into the payload under its name as written, as a string.
 * Fields are kept as sent, byte for byte: an empty field is an empty string (not an absent one), and
 * a line break inside quotes stays the line break that was sent (CRLF, LF or CR). What an empty
 * event field means is {@code EventFields}' call (an empty {@code ts} is "now", an empty {@code id}
 * is missing), as it is for JSON.
 *
 * <p>Rows are numbered as a spreadsheet shows them: the header is row 1, and a newline inside quotes
 * does not start a row (errors name the line too, where that differs). A row is at most
 * {@code maxRecordBytes} characters; past that its text is dropped as it is read, not kept.
 */
public final class CsvReader implements RecordReader {

    private enum State { FIELD_START, UNQUOTED, QUOTED, QUOTE_IN_QUOTED }

    /** {@code blank}: the row was an empty line, not a row of one empty field ({@code ""}). */
    private record Row(long number, long line, List<String> fields, String error, boolean blank) {

        Row(long number, long line, List<String> fields, String error) {
            this(number, line, fields, error, false);
        }
    }

    private final Reader in;
    private final int maxRowChars;
    private final char[] buffer = new char[16 * 1024];
    private int position;
    private int limit;
    private long line = 1;
    private long rowNumber;
    private List<String> header;

    public CsvReader(InputStream in, int maxRecordBytes) {
        // Bytes that are not UTF-8 are an error, not silently replaced: binary garbage stops here.
        var decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        this.in = new InputStreamReader(in, decoder);
        this.maxRowChars = maxRecordBytes;
    }

    @Override
    public RecordError.Unit unit() {
        return RecordError.Unit.ROW;
    }

    @Override
    public ParsedRecord next() throws IOException {
        if (header == null) {
            header = header(readRow());
        }
        while (true) {
            var row = readRow();
            if (row == null) {
                return null;
            }
            if (row.blank()) {
                continue;
            }
            if (row.error() != null) {
                return ParsedRecord.unreadable(row.number(), "", null, row.error());
            }
            if (row.fields().size() != header.size()) {
                return ParsedRecord.unreadable(row.number(), "", null, "has " + row.fields().size()
                        + " fields, the header has " + header.size() + atLine(row));
            }
            return ParsedRecord.of(row.number(), "", toFields(row.fields()));
        }
    }

    private static String atLine(Row row) {
        return row.line() == row.number() ? "" : " (row starts on line " + row.line() + ")";
    }

    /** Column names as written; event field names match in any case, and are kept lower-case. */
    private List<String> header(Row row) {
        if (row == null) {
            throw new UnreadableBodyException("empty body: expected a CSV header row naming the columns (id, type, source, ts, ...)");
        }
        if (row.error() != null) {
            throw new UnreadableBodyException("header row: " + row.error());
        }
        var names = new ArrayList<String>();
        var seen = new HashSet<String>();
        for (var field : row.fields()) {
            var lower = field.trim().toLowerCase(Locale.ROOT);
            var name = EventFields.NAMES.contains(lower) ? lower : field;
            if (name.isEmpty()) {
                throw new UnreadableBodyException("header row: column " + (names.size() + 1) + " has no name");
            }
            if (!seen.add(name)) {
                throw new UnreadableBodyException("header row: column " + name + " appears twice");
            }
            if (name.equals("payload")) {
                throw new UnreadableBodyException("header row: payload is not a column; extra columns become the payload");
            }
            names.add(name);
        }
        if (!seen.contains("id")) {
            throw new UnreadableBodyException("header row: no id column (columns: " + String.join(", ", names) + ")");
        }
        return List.copyOf(names);
    }

    private ObjectNode toFields(List<String> values) {
        var fields = JsonNodeFactory.instance.objectNode();
        var payload = JsonNodeFactory.instance.objectNode();
        for (var i = 0; i < values.size(); i++) {
            var name = header.get(i);
            (EventFields.NAMES.contains(name) ? fields : payload).put(name, values.get(i));
        }
        if (!payload.isEmpty()) {
            fields.set("payload", payload);
        }
        return fields;
    }

    /** The next row, or null at the end of the body. */
    private Row readRow() throws IOException {
        var c = read();
        if (c == -1) {
            return null;
        }
        var startLine = line;
        var number = ++rowNumber;
        var fields = new ArrayList<String>();
        var field = new StringBuilder();
        var state = State.FIELD_START;
        var chars = 0;
        String error = null;
        long quoteLine = 0;
        while (true) {
            if (c != -1 && ++chars > maxRowChars && error == null) {
                error = "row longer than " + maxRowChars + " characters";
            }
            var keep = error == null;
            switch (state) {
                case FIELD_START -> {
                    if (c == '"') {
                        state = State.QUOTED;
                        quoteLine = line;
                    } else if (c == ',') {
                        fields.add("");
                    } else if (c == -1 || isLineBreak(c)) {
                        var blank = fields.isEmpty() && error == null;
                        fields.add("");
                        return new Row(number, startLine, fields, error, blank);
                    } else {
                        append(field, c, keep);
                        state = State.UNQUOTED;
                    }
                }
                case UNQUOTED -> {
                    if (c == ',') {
                        fields.add(take(field));
                        state = State.FIELD_START;
                    } else if (c == -1 || isLineBreak(c)) {
                        fields.add(take(field));
                        return new Row(number, startLine, fields, error);
                    } else {
                        if (c == '"' && error == null) {
                            error = "quote inside an unquoted field " + (fields.size() + 1) + "; quote the whole field";
                        }
                        append(field, c, keep);
                    }
                }
                case QUOTED -> {
                    if (c == '"') {
                        state = State.QUOTE_IN_QUOTED;
                    } else if (c == -1) {
                        fields.add(take(field));
                        return new Row(number, startLine, fields, error != null ? error
                                : "unterminated quote: field " + fields.size() + " opens a quote on line " + quoteLine
                                        + " that is never closed");
                    } else {
                        if (c == '\n') {
                            line++;
                        }
                        append(field, c, keep);
                    }
                }
                case QUOTE_IN_QUOTED -> {
                    if (c == '"') {
                        append(field, '"', keep);
                        state = State.QUOTED;
                    } else if (c == ',') {
                        fields.add(take(field));
                        state = State.FIELD_START;
                    } else if (c == -1 || isLineBreak(c)) {
                        fields.add(take(field));
                        return new Row(number, startLine, fields, error);
                    } else {
                        if (error == null) {
                            error = "text after the closing quote of field " + (fields.size() + 1);
                        }
                        append(field, c, keep);
                        state = State.UNQUOTED;
                    }
                }
            }
            c = read();
        }
    }

    /** A line break outside quotes: LF, CRLF (the LF is consumed with it) or a lone CR. */
    private boolean isLineBreak(int c) throws IOException {
        if (c == '\n') {
            line++;
            return true;
        }
        if (c == '\r') {
            if (peek() == '\n') {
                read();
            }
            line++;
            return true;
        }
        return false;
    }

    private static void append(StringBuilder field, int c, boolean keep) {
        if (keep) {
            field.append((char) c);
        }
    }

    private static String take(StringBuilder field) {
        var value = field.toString();
        field.setLength(0);
        return value;
    }

    private int read() throws IOException {
        if (position == limit && !fill()) {
            return -1;
        }
        return buffer[position++];
    }

    private int peek() throws IOException {
        if (position == limit && !fill()) {
            return -1;
        }
        return buffer[position];
    }

    private boolean fill() throws IOException {
        try {
            limit = in.read(buffer);
        } catch (CharacterCodingException e) {
            throw new UnreadableBodyException("the body is not UTF-8 text");
        }
        position = 0;
        if (limit <= 0) {
            limit = 0;
            return false;
        }
        return true;
    }
}
