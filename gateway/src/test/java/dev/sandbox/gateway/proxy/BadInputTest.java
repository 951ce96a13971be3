package dev.sandbox.gateway.proxy;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.sandbox.gateway.support.GatewayTestResource;
import dev.sandbox.infra.Component;
import dev.sandbox.infra.testing.RawHttp;
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

    /** No open proxy: neither the Host header nor an absolute URI nor CONNECT chooses where a request goes. */
    @Test
    void onlyConfiguredUpstreamsAreReachable() {
        var absolute = RawHttp.exchange("GET http://evil.example/api/open/echo/absolute HTTP/1.1\r\nHost: evil.example\r\n"
                + "Connection: close\r\n\r\n");
        assertThat(RawHttp.statuses(absolute)).containsExactly(200);
        // It went to the route's upstream, the only place it could go.
        assertThat(GatewayTestResource.UPSTREAM.received("/echo/absolute")).hasSize(1);

        var connect = RawHttp.exchange("CONNECT evil.example:443 HTTP/1.1\r\nHost: evil.example:443\r\nConnection: close\r\n\r\n");
        assertThat(RawHttp.statuses(connect)).singleElement().satisfies(status -> assertThat(status).isBetween(400, 499));
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
        // Quarkus' own HTTP layer refuses a declared oversized body before any route sees it.
        assertThat(RawHttp.statuses(declared)).containsExactly(413);

        var chunk = "x".repeat(64 * 1024);
        var chunked = new StringBuilder("POST /api/open/echo/chunked HTTP/1.1\r\nHost: gateway\r\nTransfer-Encoding: chunked\r\n"
                + "Connection: close\r\n\r\n");
        for (int i = 0; i < 40; i++) { // 2.5 MB, over the 2 MB limit
            chunked.append(Integer.toHexString(chunk.length())).append("\r\n").append(chunk).append("\r\n");
        }
        chunked.append("0\r\n\r\n");
        var answer = RawHttp.exchange(chunked.toString());
        assertThat(RawHttp.statuses(answer)).containsExactly(413);
        assertThat(answer).contains("body-too-large");
        // The upstream saw the upload aborted, never a complete request.
        assertThat(GatewayTestResource.UPSTREAM.received("/echo/chunked")).isEmpty();
    }

    /**
     * Smuggling needs two parsers that disagree on where a request ends. Here the gateway is the
     * only parser: it reads Transfer-Encoding over Content-Length (RFC 9112), forwards with framing
     * of its own, and whatever it reads as a second request is a request of its own, checked like
     * any other. The upstream never sees bytes the gateway did not parse, authenticate and log.
     */
    @ParameterizedTest
    @ValueSource(strings = {
            // CL.TE: a Content-Length reader would take "0\r\n\r\n" as the body and the rest as a request.
            "Content-Length: 6\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
            // TE.CL: a Content-Length reader would stop after "8\r\n" and see "SMUGGLED..." next.
            "Content-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n8\r\nSMUGGLED\r\n0\r\n\r\n",
            // Obfuscated Transfer-Encoding.
            "Content-Length: 5\r\nTransfer-Encoding : chunked\r\n\r\n0\r\n\r\n",
            "Content-Length: 5\r\nTransfer-Encoding: xchunked\r\n\r\n0\r\n\r\n"})
    void conflictingFramingCannotSmuggleARequestPastTheChecks(String framingAndBody) {
        var token = dev.sandbox.gateway.support.TestKeys.token("alice", "test", "pro");
        var id = UUID.randomUUID();
        var answer = RawHttp.exchange("POST /api/test/echo/front-" + id + " HTTP/1.1\r\nHost: gateway\r\nAuthorization: Bearer " + token
                + "\r\n" + framingAndBody + "GET /api/test/echo/smuggled-" + id + " HTTP/1.1\r\nHost: gateway\r\nConnection: close\r\n\r\n");
        var statuses = RawHttp.statuses(answer);
        assertThat(statuses).isNotEmpty().allMatch(status -> status < 500);
        // Whatever followed the first request was a request of its own, without credentials: refused.
        assertThat(statuses.subList(1, statuses.size())).allMatch(status -> status >= 400);
        assertThat(GatewayTestResource.UPSTREAM.received("/echo/smuggled-" + id)).isEmpty();
        // What reached the upstream has one framing only.
        assertThat(GatewayTestResource.UPSTREAM.received("/echo/front-" + id))
                .allMatch(request -> !(request.headers().containsKey("content-length") && request.headers().containsKey("transfer-encoding")));
    }

    @Test
    void twoDifferentContentLengthsAre400() {
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
