package dev.sandbox.ingestion.event;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.ObjectNode;

class EventFieldsTest {

    private static final Instant NOW = Instant.parse("2026-11-22T12:00:00Z");

    private static EventFields.Result check(String json) throws Exception {
        return EventFields.from((ObjectNode) ExactJson.mapper(1 << 20).readTree(json), NOW);
    }

    @Test
    void aCompleteEventRoundTripsThroughItsKafkaBytes() throws Exception {
        var result = check("{\"id\":\"e1\",\"type\":\"click\",\"source\":\"web\",\"ts\":\"2026-01-01T10:00:00Z\",\"payload\":{\"a\":[1,\"é\"]}}");

        assertThat(result.valid()).isTrue();
        assertThat(EventCodec.decode(EventCodec.encode(result.event()))).isEqualTo(result.event());
    }

    @Test
    void tsIsAnInstantOrEpochMillisAndDefaultsToTheReceiveTime() throws Exception {
        assertThat(check("{\"id\":\"e\",\"type\":\"t\",\"source\":\"s\",\"ts\":1767261600000}").event().ts())
                .isEqualTo(Instant.parse("2026-01-01T10:00:00Z"));
        assertThat(check("{\"id\":\"e\",\"type\":\"t\",\"source\":\"s\",\"ts\":\"1767261600000\"}").event().ts())
                .isEqualTo(Instant.parse("2026-01-01T10:00:00Z"));
        assertThat(check("{\"id\":\"e\",\"type\":\"t\",\"source\":\"s\"}").event().ts()).isEqualTo(NOW);
    }

    @Test
    void everyWrongFieldIsNamed() throws Exception {
        var result = check("{\"type\":7,\"source\":\"\",\"ts\":\"-5000-01-01T00:00:00Z\",\"payload\":{\"k\":\"a\\u0000b\"},\"extra\":1}");

        assertThat(result.valid()).isFalse();
        assertThat(result.problems()).extracting(EventFields.Problem::field, EventFields.Problem::reason).containsExactly(
                org.assertj.core.groups.Tuple.tuple("extra", "unknown field; put it inside payload"),
                org.assertj.core.groups.Tuple.tuple("id", "required"),
                org.assertj.core.groups.Tuple.tuple("type", "expected a string, got a number"),
                org.assertj.core.groups.Tuple.tuple("source", "required"),
                org.assertj.core.groups.Tuple.tuple("ts", "out of range: years 1 to 9999"),
                org.assertj.core.groups.Tuple.tuple("payload", "contains a NUL character"));
    }

    @Test
    void bytesThatAreNotAnEventAreRefusedWithTheReason() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> EventCodec.decode("nope".getBytes()))
                .isInstanceOf(EventCodec.InvalidEventException.class).hasMessageStartingWith("not JSON");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> EventCodec.decode("{\"id\":\"e\"}".getBytes()))
                .hasMessage("ts: required");
    }

    /** Numbers keep every digit from the door to Kafka and back: no detour through a double. */
    @Test
    void numbersKeepEveryDigitThroughTheirKafkaBytes() throws Exception {
        var result = check("{\"id\":\"e\",\"type\":\"t\",\"source\":\"s\",\"payload\":"
                + "{\"exact\":0.1000000000000000055511151231257827,\"huge\":1e400,\"tiny\":1e-400,\"scale\":1.50,"
                + "\"big\":123456789012345678901234567890}}");

        var payload = EventCodec.decode(EventCodec.encode(result.event())).payload();
        assertThat(payload.get("exact").decimalValue()).isEqualByComparingTo("0.1000000000000000055511151231257827");
        assertThat(payload.get("exact").decimalValue().toPlainString()).isEqualTo("0.1000000000000000055511151231257827");
        assertThat(payload.get("huge").decimalValue()).isEqualByComparingTo("1e400");
        assertThat(payload.get("tiny").decimalValue()).isEqualByComparingTo("1e-400");
        assertThat(payload.get("scale").decimalValue().toString()).isEqualTo("1.50");
        assertThat(payload.get("big").bigIntegerValue()).isEqualTo(new java.math.BigInteger("123456789012345678901234567890"));
    }

    /** What the store cannot hold exactly is refused with the reason, never altered. */
    @Test
    void whatTheStoreCannotHoldIsRefusedNotAltered() throws Exception {
        assertThat(check("{\"id\":\"e\",\"type\":\"t\",\"source\":\"s\",\"ts\":\"2026-01-01T10:00:00.123456789+05:30\"}").problems())
                .extracting(EventFields.Problem::field).containsExactly("ts");
        assertThat(check("{\"id\":\"e\",\"type\":\"t\",\"source\":\"s\",\"ts\":\"2026-01-01T10:00:00.123456+05:30\"}").event().ts())
                .isEqualTo(Instant.parse("2026-01-01T04:30:00.123456Z"));
        assertThat(check("{\"id\":\"e\",\"type\":\"t\",\"source\":\"s\",\"payload\":{\"n\":1e999999999}}").problems())
                .extracting(EventFields.Problem::reason).singleElement().asString().startsWith("a number beyond what the store keeps");
        assertThat(check("{\"id\":\"e\",\"type\":\"t\",\"source\":\"s\",\"payload\":{\"k\":\"\\uD800x\"}}").problems())
                .extracting(EventFields.Problem::reason).singleElement().asString().contains("surrogate");
        assertThat(check("{\"id\":\"\\uDC00\",\"type\":\"t\",\"source\":\"s\"}").problems())
                .extracting(EventFields.Problem::field).containsExactly("id");
        // A whole pair is Unicode text beyond the BMP, and is kept.
        assertThat(check("{\"id\":\"\\uD83D\\uDE80\",\"type\":\"t\",\"source\":\"s\"}").event().id()).isEqualTo("🚀");
        assertThat(check("{\"id\":\"e\",\"type\":\"t\",\"source\":\"s\",\"ts\":100000000000000000000000}").problems())
                .extracting(EventFields.Problem::field).containsExactly("ts");
    }

    /** The receive time stands in for a missing ts at the microsecond the store keeps, so the sink takes it as it is. */
    @Test
    void theReceiveTimeIsAnInstantTheStoreKeeps() throws Exception {
        var now = Instant.parse("2026-11-22T12:00:00.123456789Z");
        var event = EventFields.from((ObjectNode) ExactJson.mapper(1000).readTree("{\"id\":\"e\",\"type\":\"t\",\"source\":\"s\"}"), now)
                .event();
        assertThat(event.ts()).isEqualTo(Instant.parse("2026-11-22T12:00:00.123456Z"));
        assertThat(EventCodec.decode(EventCodec.encode(event))).isEqualTo(event);
    }
}
