package dev.sandbox.ingestion.intake;

import static dev.sandbox.ingestion.Uploads.awaitStored;
import static dev.sandbox.ingestion.Uploads.ndjson;
import static dev.sandbox.ingestion.Uploads.post;
import static dev.sandbox.ingestion.Uploads.summary;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.util.Map;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.config.HttpClientConfig;
import io.restassured.config.RestAssuredConfig;

import dev.sandbox.infra.Component;
import dev.sandbox.infra.testing.TestInfrastructure;
import dev.sandbox.infra.testing.WithInfrastructure;

/**
 * The naive design, shown failing: with {@code ack=on-receive} the service says "accepted" before
 * Kafka has the records. With the broker down longer than the producer retries, every one of them
 * is lost, although the client was told otherwise. (The same outage with {@code after-broker} is a
 * 503, and nothing the client was told is lost: see EventsResourceTest.)
 */
@QuarkusTest
@WithInfrastructure({Component.KAFKA, Component.POSTGRES})
@TestProfile(OnReceiveAckLosesEventsTest.OnReceive.class)
class OnReceiveAckLosesEventsTest {

    public static final class OnReceive implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // A send that finds no metadata for the topic blocks this long, then fails: whether the
            // producer still knows the partitions when the broker dies or not, each record is lost fast.
            return Map.of("ingestion.ack", "on-receive", "ingestion.producer.max-block", "200ms");
        }
    }

    @Test
    void eventsAcceptedWhileTheBrokerIsDownAreLost() {
        post("application/x-ndjson", ndjson("before", "naive", 10)).statusCode(202);
        awaitStored(10);
        var infra = TestInfrastructure.current();

        infra.kill(Component.KAFKA);
        try {
            // Answered at once, "accepted": the records are only in the producer's memory.
            post("application/x-ndjson", ndjson("during", "naive", 100)).statusCode(202).body("accepted", equalTo(100));
            // The producer gives up on them: at once if it lost the topic's metadata, else after its
            // delivery timeout (5 s in tests).
            Awaitility.await("the producer gives up").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
                    .ignoreExceptions().until(() -> lost() == 100);
        } finally {
            infra.restart(Component.KAFKA);
        }

        // The naive mode may lose these too while the producer finds the restarted broker: resend
        // until they are in (ids make that harmless), then count.
        Awaitility.await("events after the restart are stored").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(2))
                .until(() -> {
                    post("application/x-ndjson", ndjson("after", "naive", 10)).statusCode(202);
                    return summary("stored") >= 20;
                });
        awaitStored(20);
        assertThat(summary("stored")).as("100 events answered 'accepted' are not stored").isEqualTo(20);
    }

    /** The service's count of records it answered "accepted" for and Kafka never took. */
    private static double lost() {
        var timeout = RestAssuredConfig.config().httpClient(HttpClientConfig.httpClientConfig()
                .setParam("http.socket.timeout", 10_000).setParam("http.connection.timeout", 10_000));
        return given().config(timeout).header("Connection", "close").get("/q/metrics").then().extract().asString().lines()
                .filter(line -> line.startsWith("ingestion_intake_records_total{") && line.contains("outcome=\"lost\""))
                // name{labels} value [# {exemplar} value timestamp]
                .mapToDouble(line -> Double.parseDouble(line.substring(line.indexOf("} ") + 2).split(" ")[0]))
                .sum();
    }
}
