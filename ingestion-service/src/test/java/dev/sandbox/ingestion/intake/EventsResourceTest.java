package dev.sandbox.ingestion.intake;

import static dev.sandbox.ingestion.Uploads.awaitStored;
import static dev.sandbox.ingestion.Uploads.ndjson;
import static dev.sandbox.ingestion.Uploads.post;
import static dev.sandbox.ingestion.Uploads.request;
import static dev.sandbox.ingestion.Uploads.summary;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;

import org.awaitility.Awaitility;
import org.hamcrest.Matchers;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import io.quarkus.test.junit.QuarkusTest;

import dev.sandbox.common.problem.Problem;
import dev.sandbox.infra.Component;
import dev.sandbox.infra.testing.RawHttp;
import dev.sandbox.infra.testing.WithInfrastructure;

/**
 * The upload API end to end, against real Kafka and PostgreSQL: three formats, bad records next to
 * good ones, bad bodies of every kind. The running total of stored events is checked after each
 * test: nothing accepted is ever lost to a bad upload.
 */
@QuarkusTest
@WithInfrastructure({Component.KAFKA, Component.POSTGRES})
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EventsResourceTest {

    private static final String NDJSON = "application/x-ndjson";
    private long storedBefore;

    @BeforeEach
    void countStored() {
        storedBefore = summary("stored");
    }

    /** The sink stores exactly {@code count} more events than before the test. */
    private void accepted(long count) {
        awaitStored(storedBefore + count);
    }

    @Test
    @Order(1)
    void ndjsonGoodRecordsAreAcceptedAndBadOnesListedByLine() {
        var body = """
                {"id":"n-1","type":"click","source":"web","ts":"2026-01-01T10:00:30Z","payload":{"x":1}}
                {"id":"n-2","type":"click","source":"web","ts":"2026-01-01T10:00:40Z"}
                {"type":"click","source":"web"}
                {"id":"n-4","type":"click","source":"web","ts":12,"payload":[1]}
                {"id": "n-5", broken
                {"id":"n-6","type":"view","source":"app","ts":1767261700000,"colour":"red"}
                {"id":"n-7","type":"view","source":"app"}
                """;

        post(NDJSON, body).statusCode(202)
                .body("accepted", equalTo(3)).body("rejected", equalTo(4))
                .body("errors", hasSize(4))
                .body("errors[0].line", equalTo(3)).body("errors[0].field", equalTo("id")).body("errors[0].reason", equalTo("required"))
                .body("errors[1].line", equalTo(4)).body("errors[1].field", equalTo("payload"))
                .body("errors[2].line", equalTo(5)).body("errors[2].reason", containsString("malformed JSON"))
                .body("errors[3].line", equalTo(6)).body("errors[3].field", equalTo("colour"))
                .body("errors[3].reason", equalTo("unknown field; put it inside payload"));
        accepted(3);
        given().get("/stats?type=click").then().statusCode(200)
                .body("", hasSize(1)).body("[0].minute", equalTo("2026-01-01T10:00:00Z")).body("[0].count", equalTo(2));
    }

    @Test
    @Order(2)
    void csvRowsAreNumberedAsRowsAndExtraColumnsBecomeThePayload() {
        var body = "id,type,source,ts,colour\r\n"
                + "c-1,click,web,2026-01-01T11:00:00Z,\"red, dark\"\r\n"
                + "c-2,click,web,2026-01-01T11:00:01Z,\"two\nlines\"\r\n"
                + ",click,web,2026-01-01T11:00:02Z,blue\r\n"
                + "c-4,click,web,yesterday,green\r\n"
                + "c-5,click,web\r\n"
                + "c-6,click,web,2026-01-01T11:00:05Z,\"open\r\n";

        post("text/csv", body).statusCode(202)
                .body("accepted", equalTo(2)).body("rejected", equalTo(4))
                .body("errors.row", Matchers.contains(4, 5, 6, 7))
                .body("errors[0].field", equalTo("id"))
                .body("errors[1].field", equalTo("ts"))
                .body("errors[2].reason", equalTo("has 3 fields, the header has 5 (row starts on line 7)"))
                .body("errors[3].reason", containsString("unterminated quote"));
        accepted(2);
    }

    @Test
    @Order(3)
    void jsonArrayErrorsNameTheElement() {
        var body = """
                [{"id":"j-1","type":"t","source":"s"},
                 {"id":42,"type":"t","source":"s"},
                 "not an event",
                 {"id":"j-4","type":"t","source":"s"}]
                """;

        post("application/json", body).statusCode(202)
                .body("accepted", equalTo(2)).body("rejected", equalTo(2))
                .body("errors[0].field", equalTo("[1].id")).body("errors[0].line", equalTo(2))
                .body("errors[0].reason", equalTo("expected a string, got a number"))
                .body("errors[1].field", equalTo("[2]"));
        accepted(2);
    }

    @Test
    @Order(4)
    void resendingAnUploadStoresNothingTwice() {
        var body = ndjson("dup", "resend", 50);
        post(NDJSON, body).statusCode(202).body("accepted", equalTo(50));
        accepted(50);
        var duplicatesBefore = summary("duplicatesDropped");

        post(NDJSON, body).statusCode(202).body("accepted", equalTo(50));

        Awaitility.await().atMost(Duration.ofSeconds(60))
                .until(() -> summary("duplicatesDropped") == duplicatesBefore + 50);
        assertThat(summary("stored")).isEqualTo(storedBefore + 50);
        given().get("/stats?type=resend").then().body("count.sum()", equalTo(50));
    }

    @Test
    @Order(5)
    void strictUploadsAreAllOrNothing() {
        var bad = ndjson("strict-bad", "strict", 20) + "{\"id\":\"strict-bad-x\"}\n";
        post(NDJSON + "", bad).statusCode(202); // lenient: 20 accepted
        accepted(20);

        request().contentType(NDJSON).body((ndjson("strict-none", "strict", 20) + "{\"id\":\"x\"}\n").getBytes(StandardCharsets.UTF_8))
                .post("/events?strict=true").then().statusCode(400).contentType(Problem.MEDIA_TYPE)
                .body("type", equalTo("urn:problem-type:sandbox:invalid-records"))
                .body("errors[0].field", equalTo("line 21: type"));
        request().contentType(NDJSON).body(ndjson("strict-all", "strict", 30).getBytes(StandardCharsets.UTF_8))
                .post("/events?strict=true").then().statusCode(202).body("accepted", equalTo(30));

        accepted(50);
        given().get("/stats?type=strict").then().body("count.sum()", equalTo(50));
    }

    @Test
    @Order(6)
    void wrongContentTypeIs415() {
        post("text/plain", "hello").statusCode(415).contentType(Problem.MEDIA_TYPE);
        post("text/csv; charset=latin1", "id\n1\n").statusCode(415).contentType(Problem.MEDIA_TYPE)
                .body("errors[0].field", equalTo("Content-Type"));
    }

    @Test
    @Order(7)
    void aBodyOverTheLimitIs413WhetherItSaysSoOrNot() throws Exception {
        // Refused from its Content-Length, before a byte of it is read.
        var answer = RawHttp.exchange("POST /events HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-ndjson\r\n"
                + "Content-Length: 20000000\r\n\r\n", Duration.ofSeconds(10));
        assertThat(answer).startsWith("HTTP/1.1 413").contains(Problem.MEDIA_TYPE);

        var big = new byte[17 * 1024 * 1024];
        Arrays.fill(big, (byte) '\n');

        // Chunked: no Content-Length to refuse up front; the good records before the limit are kept.
        var records = ndjson("chunked", "big", 10).getBytes(StandardCharsets.UTF_8);
        InputStream chunked = new SequenceInputStream(new ByteArrayInputStream(records), new ByteArrayInputStream(big));
        request().contentType(NDJSON).body(chunked).post("/events").then().statusCode(413)
                .contentType(Problem.MEDIA_TYPE).body("detail", containsString("the 10 records before it were accepted"));
        accepted(10);
    }

    @Test
    @Order(8)
    void brokenJsonMidStreamIs400AndKeepsWhatCameBefore() {
        var body = "[{\"id\":\"b-1\",\"type\":\"t\",\"source\":\"s\"},\n{\"id\":\"b-2\",\"type\":\"t\",\"source\":\"s\"},\n{\"id\": oops}]";

        post("application/json", body).statusCode(400).contentType(Problem.MEDIA_TYPE)
                .body("type", equalTo("urn:problem-type:sandbox:malformed-body"))
                .body("detail", containsString("line 3"))
                .body("detail", containsString("the 2 records before it were accepted"));
        accepted(2);
    }

    @Test
    @Order(9)
    void aTenMegabyteLineIsRejectedAloneAndTheOthersGoThrough() {
        var body = ndjson("long-a", "long", 1) + "{\"id\":\"huge\",\"payload\":{\"x\":\"" + "x".repeat(10 * 1024 * 1024)
                + "\"}}\n" + ndjson("long-b", "long", 1);

        post(NDJSON, body).statusCode(202).body("accepted", equalTo(2)).body("rejected", equalTo(1))
                .body("errors[0].line", equalTo(2)).body("errors[0].reason", equalTo("line longer than 1048576 bytes"));
        accepted(2);
    }

    @Test
    @Order(10)
    void binaryGarbageIs400() {
        var garbage = new byte[64 * 1024];
        new Random(7).nextBytes(garbage);

        request().contentType("text/csv").body(garbage).post("/events").then().statusCode(400).contentType(Problem.MEDIA_TYPE)
                .body("type", equalTo("urn:problem-type:sandbox:malformed-body"));
        request().contentType("application/json").body(garbage).post("/events").then().statusCode(400).contentType(Problem.MEDIA_TYPE);
        request().contentType(NDJSON).body(garbage).post("/events").then().statusCode(202).body("accepted", equalTo(0));
    }

    @Test
    @Order(11)
    void aStalledBodyIsCutOffAndWhatCameBeforeIsKept() throws Exception {
        try (var socket = RawHttp.connect()) {
            socket.getOutputStream().write(("POST /events HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-ndjson\r\n"
                    + "Content-Length: 100000\r\n\r\n" + ndjson("stall", "slow", 3)).getBytes(StandardCharsets.UTF_8));
            socket.getOutputStream().flush();
            // ... and nothing more. After quarkus.http.read-timeout (5 s in tests) the blocking read
            // fails and Quarkus closes the connection: no thread, no upload slot is held by it any
            // longer. The 408 the service writes then races that close: either outcome, never another.
            var began = System.nanoTime();
            var answer = RawHttp.read(socket, Duration.ofSeconds(30));
            assertThat(answer).satisfiesAnyOf(
                    dropped -> assertThat(dropped).isEmpty(),
                    told -> assertThat(told).startsWith("HTTP/1.1 408").contains("body-too-slow")
                            .contains("the 3 records before it were accepted"));
            assertThat(Duration.ofNanos(System.nanoTime() - began)).isLessThan(Duration.ofSeconds(20));
        }
        accepted(3);
    }

    @Test
    @Order(12)
    void aTricklingBodyIsCutOffWith408() throws Exception {
        try (var socket = RawHttp.connect()) {
            var out = socket.getOutputStream();
            out.write(("POST /events HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-ndjson\r\n"
                    + "Content-Length: 100000\r\n\r\n" + ndjson("trickle", "slow", 2)).getBytes(StandardCharsets.UTF_8));
            // A byte every 2 s: never idle long enough for the read timeout, far below 1 KB/s.
            for (var i = 0; i < 7; i++) {
                Thread.sleep(2_000);
                out.write(' ');
                out.flush();
            }
            var answer = RawHttp.read(socket, Duration.ofSeconds(30));
            assertThat(answer).startsWith("HTTP/1.1 408").contains("too slowly").contains("the 2 records before it were accepted");
        }
        accepted(2);
    }

    @Test
    @Order(13)
    void whileTheBrokerIsDownUploadsAre503AndAResendAfterwardsLosesNothing() {
        var body = ndjson("outage", "outage", 100);
        var infra = dev.sandbox.infra.testing.TestInfrastructure.current();
        infra.kill(Component.KAFKA);
        try {
            post(NDJSON, body).statusCode(503).contentType(Problem.MEDIA_TYPE).header("Retry-After", "5")
                    .body("type", equalTo("urn:problem-type:sandbox:broker-unavailable"));
        } finally {
            infra.restart(Component.KAFKA);
        }
        Awaitility.await("accepted after the restart").atMost(Duration.ofSeconds(60))
                .until(() -> post(NDJSON, body).extract().statusCode() == 202);
        accepted(100);
    }

    @Test
    @Order(14)
    void theServiceStaysHealthyAndLostNothing() {
        given().get("/q/health/ready").then().statusCode(200);
        assertThat(summary("deadLettered")).isZero();
    }
}
