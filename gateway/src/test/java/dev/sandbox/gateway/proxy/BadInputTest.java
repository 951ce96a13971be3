package dev.sandbox.gateway.proxy;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.sandbox.gateway.support.GatewayTestResource;
import dev.sandbox.gateway.support.RawHttp;
import dev.sandbox.infra.Component;
import dev.sandbox.infra.testing.WithInfrastructure;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Hostile or broken requests, sent as raw bytes (well-behaved clients would fix them first): each
 * gets a 4xx, never a 5xx, and none reaches an upstream in a form the gateway did not check.
 */
@QuarkusTest
@WithInfrastructure({Component.REDIS})
@QuarkusTestResource(GatewayTestResource.class)
class BadInputTest {

    @ParameterizedTest
    @ValueSource(strings = {"/api/open/../../admin", "/api/open/%2e%2e/%2e%2e/q/metrics", "/api/open/a%2fb",
            "/api/open/./echo", "/api/open/..%5c..%5cadmin", "/api/test/../open/echo"})
    void pathTraversalIsRefused(String path) {
        var answer = RawHttp.exchange("GET " + path + " HTTP/1.1\r\nHost: gateway\r\nConnection: close\r\n\r\n");
        assertThat(RawHttp.statuses(answer)).containsExactly(400);
        assertThat(answer).contains("application/problem+json").contains("invalid-path");
        assertThat(GatewayTestResource.UPSTREAM.received()).noneMatch(request -> request.uri().contains("admin")
                || request.uri().contains("%2") || request.uri().contains("/./"));
    }

    @Test
    void unknownRoutesAre404() {
        given().get("/api/unknown/thing").then().statusCode(404).contentType("application/problem+json")
                .body("type", equalTo("urn:problem-type:sandbox:no-route"));
        // A route prefix matches whole segments only.
        given().get("/api/openx/echo").then().statusCode(404);
    }

    @Test
    void oversizedHeadersAre431() {
        var answer = RawHttp.exchange("GET /api/open/echo/big HTTP/1.1\r\nHost: gateway\r\nX-Big: " + "a".repeat(20_000)
                + "\r\nConnection: close\r\n\r\n");
        assertThat(RawHttp.statuses(answer)).containsExactly(431);
        assertThat(GatewayTestResource.UPSTREAM.received("/echo/big")).isEmpty();
    }

    @Test
    void oversizedBodiesAre413WhetherDeclaredOrChunked() {
        var declared = RawHttp.exchange("POST /api/open/echo/declared HTTP/1.1\r\nHost: gateway\r\nContent-Length: 3000000\r\n"
                + "Connection: close\r\n\r\n" + "x".repeat(1000));
        assertThat(RawHttp.statuses(declared)).containsExactly(413);
        assertThat(declared).contains("body-too-large");

        var chunk = "x".repeat(64 * 1024);
        var chunked = new StringBuilder("POST /api/open/echo/chunked HTTP/1.1\r\nHost: gateway\r\nTransfer-Encoding: chunked\r\n"
                + "Connection: close\r\n\r\n");
        for (int i = 0; i < 40; i++) { // 2.5 MB, over the 2 MB limit
            chunked.append(Integer.toHexString(chunk.length())).append("\r\n").append(chunk).append("\r\n");
        }
        chunked.append("0\r\n\r\n");
        var answer = RawHttp.exchange(chunked.toString());
        assertThat(RawHttp.statuses(answer)).containsExactly(413);
        // The upstream saw the upload aborted, never a complete request.
        assertThat(GatewayTestResource.UPSTREAM.received("/echo/chunked")).isEmpty();
    }

    @Test
    void conflictingFramingCannotSmuggleASecondRequest() {
        // CL.TE: a front end trusting Content-Length would pass "GET /smuggled" on as the next request.
        var smuggle = "POST /api/open/echo/front HTTP/1.1\r\nHost: gateway\r\nContent-Length: 6\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "0\r\n\r\nGET /api/open/echo/smuggled HTTP/1.1\r\nHost: gateway\r\nConnection: close\r\n\r\n";
        var answer = RawHttp.exchange(smuggle);
        assertThat(RawHttp.statuses(answer)).isNotEmpty().allMatch(status -> status < 500);
        assertThat(RawHttp.statuses(answer).getFirst()).isEqualTo(400);
        assertThat(GatewayTestResource.UPSTREAM.received("/echo/smuggled")).isEmpty();
        assertThat(GatewayTestResource.UPSTREAM.received("/echo/front")).isEmpty();

        var twoLengths = RawHttp.exchange("POST /api/open/echo/two HTTP/1.1\r\nHost: gateway\r\nContent-Length: 3\r\n"
                + "Content-Length: 30\r\nConnection: close\r\n\r\nabc");
        assertThat(RawHttp.statuses(twoLengths)).containsExactly(400);
        assertThat(GatewayTestResource.UPSTREAM.received("/echo/two")).isEmpty();
    }

    @Test
    void malformedRequestLinesAndBodiesAre4xx() {
        assertThat(RawHttp.statuses(RawHttp.exchange("GARBAGE\r\n\r\n"))).allMatch(status -> status >= 400 && status < 500);
        var long_ = RawHttp.exchange("GET /api/open/" + "a".repeat(5000) + " HTTP/1.1\r\nHost: gateway\r\nConnection: close\r\n\r\n");
        assertThat(RawHttp.statuses(long_)).containsExactly(414);
        given().contentType("application/json").body("[1, 2".getBytes(StandardCharsets.UTF_8)).post("/auth/token")
                .then().statusCode(400).contentType("application/problem+json");
    }
}
