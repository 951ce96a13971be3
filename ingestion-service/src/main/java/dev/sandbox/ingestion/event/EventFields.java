package dev.sandbox.ingestion.event;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Turns the fields of one record (a JSON object, or a CSV row made into one) into an {@link Event},
 * or says which fields are wrong. The same rules hold at the door and in the sink, so the sink
 * never meets an event the intake would have refused.
 */
public final class EventFields {

    public static final Set<String> NAMES = Set.of("id", "type", "source", "ts", "payload");
    static final int MAX_ID_LENGTH = 200;
    static final int MAX_NAME_LENGTH = 200;
    private static final Instant MIN_TS = Instant.parse("0001-01-01T00:00:00Z");
    private static final Instant MAX_TS = Instant.parse("+10000-01-01T00:00:00Z");

    /** A field that is wrong, by name (relative to the record) and why. */
    public record Problem(String field, String reason) {
    }

    /** Either an event or the problems that kept it from being one. */
    public record Result(Event event, List<Problem> problems) {
        public boolean valid() {
            return event != null;
        }
    }

    private EventFields() {
    }

    /** {@code now} stands in for a missing {@code ts}: the time the event was received. */
    public static Result from(ObjectNode fields, Instant now) {
        var problems = new ArrayList<Problem>();
        fields.fieldNames().forEachRemaining(name -> {
            if (!NAMES.contains(name)) {
                problems.add(new Problem(name, "unknown field; put it inside payload"));
            }
        });
        var id = text(fields, "id", MAX_ID_LENGTH, true, problems);
        var type = text(fields, "type", MAX_NAME_LENGTH, true, problems);
        var source = text(fields, "source", MAX_NAME_LENGTH, true, problems);
        var ts = timestamp(fields.get("ts"), now, problems);
        var payload = payload(fields.get("payload"), problems);
        if (!problems.isEmpty()) {
            return new Result(null, List.copyOf(problems));
        }
        return new Result(new Event(id, type, source, ts, payload), List.of());
    }

    private static String text(ObjectNode fields, String name, int maxLength, boolean required, List<Problem> problems) {
        var node = fields.get(name);
        if (node == null || node.isNull() || (node.isTextual() && node.asText().isBlank())) {
            if (required) {
                problems.add(new Problem(name, "required"));
            }
            return null;
        }
        if (!node.isTextual()) {
            problems.add(new Problem(name, "expected a string, got " + describe(node)));
            return null;
        }
        var value = node.asText();
        if (value.length() > maxLength) {
            problems.add(new Problem(name, "longer than " + maxLength + " characters"));
            return null;
        }
        var unstorable = unstorable(value);
        if (unstorable != null) {
            problems.add(new Problem(name, unstorable));
            return null;
        }
        return value;
    }

    /** An ISO-8601 instant ({@code 2026-11-22T10:15:30Z}) or epoch milliseconds, as a number or as digits. */
    private static Instant timestamp(JsonNode node, Instant now, List<Problem> problems) {
        if (node == null || node.isNull() || (node.isTextual() && node.asText().isBlank())) {
            // The receive time, to the microsecond the store keeps: it is the event's ts from here on.
            return now.truncatedTo(ChronoUnit.MICROS);
        }
        if (node.isIntegralNumber()) {
            if (!node.canConvertToLong()) {
                problems.add(new Problem("ts", "out of range: years 1 to 9999"));
                return null;
            }
            return inRange(Instant.ofEpochMilli(node.asLong()), problems);
        }
        if (node.isTextual()) {
            var text = node.asText().trim();
            try {
                var instant = text.chars().allMatch(Character::isDigit) ? Instant.ofEpochMilli(Long.parseLong(text)) : Instant.parse(text);
                return inRange(instant, problems);
            } catch (DateTimeParseException | NumberFormatException e) {
                problems.add(new Problem("ts", "expected an ISO-8601 instant or epoch milliseconds, got \"" + abbreviate(text) + "\""));
                return null;
            }
        }
        problems.add(new Problem("ts", "expected an ISO-8601 instant or epoch milliseconds, got " + describe(node)));
        return null;
    }

    /**
     * Years 1 to 9999: what every database and every client library agrees on. The store keeps
     * microseconds: a finer instant is refused, not rounded (rounding would store another instant).
     */
    private static Instant inRange(Instant instant, List<Problem> problems) {
        if (instant.isBefore(MIN_TS) || !instant.isBefore(MAX_TS)) {
            problems.add(new Problem("ts", "out of range: years 1 to 9999"));
            return null;
        }
        if (instant.getNano() % 1_000 != 0) {
            problems.add(new Problem("ts", "finer than a microsecond, the finest the store keeps: round it, or put the exact"
                    + " value in payload"));
            return null;
        }
        return instant;
    }

    private static ObjectNode payload(JsonNode node, List<Problem> problems) {
        if (node == null || node.isNull()) {
            return JsonNodeFactory.instance.objectNode();
        }
        if (!node.isObject()) {
            problems.add(new Problem("payload", "expected an object, got " + describe(node)));
            return null;
        }
        // What PostgreSQL's jsonb cannot hold is refused here, with its reason: never altered, and
        // never accepted only to poison the sink.
        var unstorable = unstorable(node);
        if (unstorable != null) {
            problems.add(new Problem("payload", unstorable));
            return null;
        }
        return (ObjectNode) node;
    }

    /** Digits PostgreSQL's numeric (and so jsonb) keeps: before the decimal point, and after it. */
    private static final int MAX_INTEGER_DIGITS = 131_072;
    private static final int MAX_FRACTION_DIGITS = 16_383;

    /** Why the store cannot hold this value exactly, or null when it can. */
    private static String unstorable(JsonNode node) {
        if (node.isTextual()) {
            return unstorable(node.asText());
        }
        if (node.isNumber()) {
            var number = node.decimalValue();
            var integerDigits = number.precision() - number.scale();
            if (integerDigits > MAX_INTEGER_DIGITS || number.scale() > MAX_FRACTION_DIGITS) {
                return "a number beyond what the store keeps exactly (" + MAX_INTEGER_DIGITS + " digits before the decimal point, "
                        + MAX_FRACTION_DIGITS + " after): send it as a string";
            }
            return null;
        }
        if (node.isObject()) {
            var names = node.fieldNames();
            while (names.hasNext()) {
                var why = unstorable(names.next());
                if (why != null) {
                    return why;
                }
            }
        }
        for (var child : node) {
            var why = unstorable(child);
            if (why != null) {
                return why;
            }
        }
        return null;
    }

    /**
     * PostgreSQL stores no NUL in text or jsonb, and UTF-8 has no half of a surrogate pair (JSON's
     * {@code "\\uD800"} alone): either would be altered on the way in, so both are refused.
     */
    private static String unstorable(String text) {
        for (var i = 0; i < text.length(); i++) {
            var c = text.charAt(i);
            if (c == '\0') {
                return "contains a NUL character";
            }
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return "contains half of a UTF-16 surrogate pair (\\u" + Integer.toHexString(c).toUpperCase(java.util.Locale.ROOT)
                        + " alone), which is not Unicode text";
            }
        }
        return null;
    }

    private static String describe(JsonNode node) {
        return switch (node.getNodeType()) {
            case NUMBER -> "a number";
            case BOOLEAN -> "true or false";
            case ARRAY -> "an array";
            case OBJECT -> "an object";
            case STRING -> "a string";
            default -> node.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
        };
    }

    private static String abbreviate(String text) {
        return text.length() <= 40 ? text : text.substring(0, 40) + "...";
    }
}
