package dev.sandbox.ingestion.fidelity;

import static dev.sandbox.ingestion.Uploads.request;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.sandbox.ingestion.Uploads;
import dev.sandbox.ingestion.event.ExactJson;
import dev.sandbox.infra.Component;
import dev.sandbox.infra.testing.PeerSuites;
import dev.sandbox.infra.testing.TestInfrastructure;
import dev.sandbox.infra.testing.WithInfrastructure;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * What the service answers "accepted" is stored with exactly the content that was sent, end to end:
 * HTTP, the readers, Kafka, the sink, PostgreSQL's jsonb. Held to csv-spectrum and JSONTestSuite,
 * and to the findings that once altered records (empty CSV fields dropped, digits lost through a
 * double, a key twice kept as its last value, a timestamp rounded).
 */
@QuarkusTest
@WithInfrastructure({Component.KAFKA, Component.POSTGRES})
class FidelityTest {

    private static final ObjectMapper EXACT = ExactJson.mapper(1 << 24);

    @Inject
    AgroalDataSource dataSource;

    @Test
    void csvSpectrumFilesAreStoredFieldForField() throws Exception {
        var uploads = CsvSpectrum.uploads(TestInfrastructure.current().unique("spectrum"));
        var expected = new HashMap<String, JsonNode>();
        for (var upload : uploads) {
            request().contentType("text/csv").body(upload.body()).post("/events").then()
                    .statusCode(202).body("accepted", org.hamcrest.Matchers.equalTo(upload.ids().size()))
                    .body("rejected", org.hamcrest.Matchers.equalTo(0));
            for (var i = 0; i < upload.ids().size(); i++) {
                expected.put(upload.ids().get(i), upload.expected().get(i));
            }
        }
        assertThat(awaitPayloads(expected.keySet().stream().toList())).isEqualTo(expected);
    }

    @Test
    void jsonNumbersKeysTimestampsAndStringsAreStoredAsSentOrRefusedWithTheReason() throws Exception {
        var id = TestInfrastructure.current().unique("ndjson");
        var lines = String.join("\n",
                event(id + "-digits", "{\"exact\":0.1000000000000000055511151231257827,\"huge\":1e400,\"scale\":1.50,"
                        + "\"big\":-123456789012345678901234567890}"),
                event(id + "-text", "{\"crlf\":\"Once upon \\r\\na time\",\"astral\":\"🚀 \\uD83D\\uDE00\",\"quote\":\"\\\"\",\"empty\":\"\"}"),
                event(id + "-dup", "{\"dup\":1,\"dup\":2}"),
                "{\"id\":\"" + id + "-nanos\",\"type\":\"t\",\"source\":\"s\",\"ts\":\"2026-01-01T10:00:00.123456789+05:30\"}",
                event(id + "-half", "{\"k\":\"\\uD800\"}"),
                event(id + "-overflow", "{\"n\":1e999999999}")) + "\n";
        var answer = request().contentType("application/x-ndjson").body(lines.getBytes(StandardCharsets.UTF_8)).post("/events")
                .then().statusCode(202).body("accepted", org.hamcrest.Matchers.equalTo(2)).extract().jsonPath();
        assertThat(answer.getList("errors.line", Integer.class)).containsExactly(3, 4, 5, 6);
        assertThat(answer.getList("errors.reason", String.class)).satisfiesExactly(
                reason -> assertThat(reason).startsWith("duplicate key \"dup\""),
                reason -> assertThat(reason).contains("finer than a microsecond"),
                reason -> assertThat(reason).contains("surrogate"),
                reason -> assertThat(reason).contains("beyond what the store keeps"));

        var stored = awaitPayloads(List.of(id + "-digits", id + "-text"));
        var digits = stored.get(id + "-digits");
        assertThat(digits.get("exact").decimalValue().toPlainString()).isEqualTo("0.1000000000000000055511151231257827");
        assertThat(digits.get("huge").decimalValue()).isEqualByComparingTo("1e400");
        assertThat(digits.get("scale").decimalValue().toPlainString()).isEqualTo("1.50");
        assertThat(digits.get("big").bigIntegerValue()).isEqualTo(new java.math.BigInteger("-123456789012345678901234567890"));
        assertThat(stored.get(id + "-text")).isEqualTo(EXACT.readTree(
                "{\"crlf\":\"Once upon \\r\\na time\",\"astral\":\"🚀 \\uD83D\\uDE00\",\"quote\":\"\\\"\",\"empty\":\"\"}"));
    }

    /**
     * JSONTestSuite against the JSON body: y_ parses (a shape error at most: "expected an array",
     * "expected an object"), n_ is refused and nothing of it is accepted, i_ either way; never a 5xx.
     */
    @Test
    void jsonTestSuiteCasesAreParsedOrRefusedNeverA5xx() {
        var cases = PeerSuites.jsonTestSuite();
        assertThat(cases).hasSizeGreaterThan(300);
        for (var suiteCase : cases) {
            var response = request().contentType("application/json").body(suiteCase.input().getBytes(StandardCharsets.UTF_8))
                    .post("/events").then().extract();
            var status = response.statusCode();
            var said = response.asString();
            assertThat(status).as("%s -> %s", suiteCase.name(), said).isLessThan(500);
            if (suiteCase.mustParse()) {
                assertThat(said).as("%s parses -> %s", suiteCase.name(), said).doesNotContain("malformed JSON");
            }
            if (suiteCase.mustBeRefused()) {
                assertThat(status == 400 || (status == 202 && response.jsonPath().getLong("accepted") == 0))
                        .as("%s is refused -> %d %s", suiteCase.name(), status, said).isTrue();
            }
        }
    }

    private static String event(String id, String payload) {
        return "{\"id\":\"" + id + "\",\"type\":\"fidelity\",\"source\":\"s\",\"payload\":" + payload + "}";
    }

    /** The stored payloads of these ids, once all of them are stored, read with every digit. */
    private Map<String, JsonNode> awaitPayloads(List<String> ids) {
        var found = new HashMap<String, JsonNode>();
        Awaitility.await("the sink stores " + ids.size() + " events, none dead-lettered").atMost(Duration.ofSeconds(60))

                .pollInterval(Duration.ofMillis(200)).until(() -> {
                    assertThat(Uploads.summary("deadLettered")).as("dead-lettered").isZero();
                    found.clear();
                    found.putAll(payloads(ids));
                    return found.size() == ids.size();
                });
        return found;
    }

    private Map<String, JsonNode> payloads(List<String> ids) throws SQLException {
        var payloads = new HashMap<String, JsonNode>();
        try (var connection = dataSource.getConnection();
                var select = connection.prepareStatement("SELECT id, payload::text FROM events WHERE id = ANY(?)")) {
            select.setArray(1, connection.createArrayOf("text", ids.toArray()));
            try (var rows = select.executeQuery()) {
                while (rows.next()) {
                    try {
                        payloads.put(rows.getString(1), EXACT.readTree(rows.getString(2)));
                    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                        throw new IllegalStateException(e);
                    }
                }
            }
        }
        return payloads;
    }
}
