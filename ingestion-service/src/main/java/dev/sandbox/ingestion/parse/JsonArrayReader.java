package dev.sandbox.ingestion.parse;

import java.io.IOException;
import java.io.InputStream;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.TokenBuffer;

import dev.sandbox.ingestion.event.RecordError;

/**
 * A JSON array of events, read element by element with Jackson's streaming parser: only the
 * current element is ever a tree in memory. An element that is not an object is an error of its
 * own; broken JSON ends the reading, since nothing after it can be trusted to start an element.
 */
public final class JsonArrayReader implements RecordReader {

    private final InputStream in;
    private final ObjectMapper mapper;
    private JsonParser parser;
    private long index = -1;
    private boolean ended;

    public JsonArrayReader(InputStream in, int maxRecordBytes) {
        this.in = in;
        this.mapper = Json.mapper(maxRecordBytes);
    }

    @Override
    public RecordError.Unit unit() {
        return RecordError.Unit.LINE;
    }

    @Override
    public ParsedRecord next() throws IOException {
        if (ended) {
            return null;
        }
        try {
            if (parser == null) {
                parser = mapper.createParser(in);
                var first = parser.nextToken();
                if (first != JsonToken.START_ARRAY) {
                    throw new UnreadableBodyException("expected a JSON array of events"
                            + (first == null ? ", got an empty body" : " at line 1, got " + describe(first)));
                }
            }
            var token = parser.nextToken();
            if (token == JsonToken.END_ARRAY) {
                ended = true;
                if (parser.nextToken() != null) {
                    throw unreadable("content after the closing ]");
                }
                return null;
            }
            index++;
            var line = parser.currentTokenLocation().getLineNr();
            var prefix = "[" + index + "].";
            if (token == JsonToken.START_OBJECT) {
                return element(line, prefix);
            }
            parser.skipChildren();
            return ParsedRecord.unreadable(line, prefix, null, "expected an object, got " + describe(token));
        } catch (JacksonException e) {
            var location = e.getLocation();
            throw new UnreadableBodyException("malformed JSON" + (location == null ? "" : " at line "
                    + location.getLineNr() + ", column " + location.getColumnNr()) + ": " + Json.message(e));
        }
    }

    /**
     * The object at the parser. Its tokens are copied first, then made a tree: a tree that cannot be
     * made (a key twice) is an error of this element alone, and the parser is already past it.
     */
    private ParsedRecord element(long line, String prefix) throws IOException {
        var tokens = TokenBuffer.asCopyOfValue(parser);
        try (var copy = tokens.asParser(mapper)) {
            return ParsedRecord.of(line, prefix, (ObjectNode) mapper.readTree(copy));
        } catch (MismatchedInputException e) {
            return ParsedRecord.unreadable(line, prefix, null, Json.reason(e));
        }
    }

    private UnreadableBodyException unreadable(String reason) {
        var location = parser.currentLocation();
        return new UnreadableBodyException("malformed JSON at line " + location.getLineNr() + ", column "
                + location.getColumnNr() + ": " + reason);
    }

    private static String describe(JsonToken token) {
        return switch (token) {
            case START_OBJECT -> "an object";
            case START_ARRAY -> "an array";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            case VALUE_TRUE, VALUE_FALSE -> "true or false";
            case VALUE_NULL -> "null";
            default -> token.asString() == null ? token.name() : token.asString();
        };
    }
}
