package dev.sandbox.ingestion.event;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

class EventFieldsTest {

    private static final Instant NOW = Instant.parse("2026-11-22T12:00:00Z");

    private static EventFields.Result check(String json) throws Exception {
        return EventFields.from((ObjectNode) new ObjectMapper().readTree(json), NOW);
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
}
