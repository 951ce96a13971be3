package dev.sandbox.ingestion.event;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * An event's bytes on Kafka: a JSON object with the five fields, {@code ts} as an ISO-8601 instant.
 * Decoding applies {@link EventFields}' rules: a record some other producer wrote that breaks them
 * is refused, and the sink sends it to the dead-letter topic.
 */
public final class EventCodec {

    private static final ObjectMapper MAPPER = ExactJson.mapper();

    /** The last {@code ts} written and its text: the events of one upload without a ts share it. */
    private record Formatted(Instant ts, String text) {
    }

    private static volatile Formatted lastTs = new Formatted(Instant.EPOCH, Instant.EPOCH.toString());

    private EventCodec() {
    }

    public static byte[] encode(Event event) {
        var out = new ByteArrayOutputStream(256);
        try (var json = MAPPER.createGenerator(out)) {
            json.writeStartObject();
            json.writeStringField("id", event.id());
            json.writeStringField("type", event.type());
            json.writeStringField("source", event.source());
            json.writeStringField("ts", format(event.ts()));
            json.writeFieldName("payload");
            MAPPER.writeTree(json, event.payload());
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** {@code Instant.toString()}, remembered for the next event: formatting was a tenth of encoding. */
    private static String format(Instant ts) {
        var last = lastTs;
        if (last.ts().equals(ts)) {
            return last.text();
        }
        var text = ts.toString();
        lastTs = new Formatted(ts, text);
        return text;
    }

    /** @throws InvalidEventException when the bytes are not an event */
    public static Event decode(byte[] bytes) {
        if (bytes == null) {
            throw new InvalidEventException("no value (a tombstone)");
        }
        ObjectNode fields;
        try {
            var node = MAPPER.readTree(bytes);
            if (node == null || !node.isObject()) {
                throw new InvalidEventException("not a JSON object");
            }
            fields = (ObjectNode) node;
        } catch (JsonProcessingException e) {
            throw new InvalidEventException("not JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (!fields.hasNonNull("ts")) {
            throw new InvalidEventException("ts: required");
        }
        var result = EventFields.from(fields, Instant.EPOCH);
        if (!result.valid()) {
            var first = result.problems().getFirst();
            throw new InvalidEventException(first.field() + ": " + first.reason());
        }
        return result.event();
    }

    public static final class InvalidEventException extends RuntimeException {
        public InvalidEventException(String message) {
            super(message);
        }
    }
}
