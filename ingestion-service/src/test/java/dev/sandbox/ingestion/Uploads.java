package dev.sandbox.ingestion;

import static io.restassured.RestAssured.given;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.awaitility.Awaitility;

import io.restassured.config.EncoderConfig;
import io.restassured.config.RestAssuredConfig;
import io.restassured.response.ValidatableResponse;
import io.restassured.specification.RequestSpecification;

/** Uploads and sink checks shared by the tests that run the service in-process. */
public final class Uploads {

    private Uploads() {
    }

    /** {@code count} valid NDJSON events with ids {@code prefix-0...}, of type {@code type}. */
    public static String ndjson(String prefix, String type, int count) {
        return IntStream.range(0, count)
                .mapToObj(i -> "{\"id\":\"" + prefix + "-" + i + "\",\"type\":\"" + type + "\",\"source\":\"s" + (i % 4)
                        + "\",\"ts\":\"2026-01-01T10:0" + (i % 3) + ":00Z\",\"payload\":{\"n\":" + i + "}}")
                .collect(Collectors.joining("\n", "", "\n"));
    }

    /** A request whose body goes as given: no charset added to text/csv, bytes for any media type. */
    public static RequestSpecification request() {
        return given().config(RestAssuredConfig.config().encoderConfig(
                EncoderConfig.encoderConfig().appendDefaultContentCharsetToContentTypeIfUndefined(false)));
    }

    public static ValidatableResponse post(String contentType, String body) {
        return request().contentType(contentType).body(body.getBytes(StandardCharsets.UTF_8)).post("/events").then();
    }

    /** Waits until the sink's summary shows {@code stored} events. */
    public static void awaitStored(long stored) {
        Awaitility.await("sink stores " + stored).atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> given().get("/stats/summary").then().statusCode(200).extract().jsonPath().getLong("stored") == stored);
    }

    public static long summary(String field) {
        return given().get("/stats/summary").then().statusCode(200).extract().jsonPath().getLong(field);
    }
}
