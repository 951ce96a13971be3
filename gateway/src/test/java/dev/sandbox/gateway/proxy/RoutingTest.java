package dev.sandbox.gateway.proxy;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.nullValue;

import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;

import org.junit.jupiter.api.Test;

import dev.sandbox.gateway.support.GatewayTestResource;
import dev.sandbox.gateway.support.TestKeys;
import dev.sandbox.infra.Component;
import dev.sandbox.infra.testing.WithInfrastructure;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** What crosses the gateway, and how: paths, headers, trace context, bodies both ways. */
@QuarkusTest
@WithInfrastructure({Component.REDIS})
@QuarkusTestResource(GatewayTestResource.class)
class RoutingTest {

    private final String token = TestKeys.token("alice", "test", "pro");

    @Test
    void rewritesThePathAndKeepsTheQuery() {
        given().urlEncodingEnabled(false).auth().oauth2(token).get("/api/test/echo/a/b?x=1&y=%20z")
                .then().statusCode(200).body("uri", equalTo("/echo/a/b?x=1&y=%20z")).body("method", equalTo("GET"));
    }

    @Test
    void setsForwardedHeadersAndStripsHopByHopOnes() {
        given().auth().oauth2(token)
                .header("X-Forwarded-For", "6.6.6.6")
                .header("X-Auth-Subject", "user:root")
                .header("Connection", "keep-alive, X-Secret-Hop")
                .header("X-Secret-Hop", "for the next hop only")
                .header("Keep-Alive", "timeout=5")
                .header("X-Custom", "kept")
                .get("/api/test/echo/headers")
                .then().statusCode(200)
                .body("headers.x-forwarded-for", equalTo("127.0.0.1"))
                .body("headers.x-forwarded-proto", equalTo("http"))
                .body("headers.x-forwarded-prefix", equalTo("/api/test"))
                .body("headers.x-auth-subject", equalTo("user:alice"))
                .body("headers.x-auth-tier", equalTo("pro"))
                .body("headers.x-secret-hop", nullValue())
                .body("headers.keep-alive", nullValue())
                .body("headers.x-custom", equalTo("kept"))
                // The upstream's own hop-by-hop header stops at the gateway too.
                .header("X-Upstream-Private", nullValue());
    }

    @Test
    void propagatesOrGeneratesTheRequestIdAndTheTrace() {
        given().auth().oauth2(token).header("X-Request-Id", "req-42").get("/api/test/echo/id")
                .then().statusCode(200).header("X-Request-Id", "req-42").body("headers.x-request-id", equalTo("req-42"));
        var generated = given().auth().oauth2(token).get("/api/test/echo/id")
                .then().statusCode(200).header("X-Request-Id", matchesPattern("[0-9a-f-]{36}"))
                .extract().header("X-Request-Id");
        assertThat(GatewayTestResource.UPSTREAM.received("/echo/id")).anyMatch(r -> generated.equals(r.headers().get("x-request-id")));

        var traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        String traceparent = given().auth().oauth2(token).header("traceparent", "00-" + traceId + "-00f067aa0ba902b7-01")
                .get("/api/test/echo/trace").then().statusCode(200).extract().path("headers.traceparent");
        // Same trace, a new parent: the gateway's own client span.
        assertThat(traceparent).startsWith("00-" + traceId + "-").doesNotContain("00f067aa0ba902b7");
    }

    @Test
    void streamsLargeBodiesBothWays() throws Exception {
        var upload = new byte[1_500_000];
        new Random(7).nextBytes(upload);
        var sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(upload));
        given().auth().oauth2(token).contentType("application/octet-stream").body(upload).post("/api/test/echo/upload")
                .then().statusCode(200).body("bodyBytes", equalTo(upload.length)).body("bodySha256", equalTo(sha));

        var download = given().auth().oauth2(token).get("/api/test/bytes/20000000").then().statusCode(200)
                .header("Transfer-Encoding", "chunked").extract().asByteArray();
        assertThat(download).hasSize(20_000_000);
    }

    @Test
    void addsSecurityHeaders() {
        given().auth().oauth2(token).get("/api/test/echo/sec").then().statusCode(200)
                .header("X-Content-Type-Options", "nosniff").header("X-Frame-Options", "DENY");
        given().get("/api/nowhere").then().statusCode(404)
                .header("X-Content-Type-Options", "nosniff")
                .body("type", equalTo("urn:problem-type:sandbox:no-route"));
    }

    @Test
    void corsAllowsOnlyListedOrigins() {
        given().header("Origin", "http://localhost:3000").header("Access-Control-Request-Method", "GET")
                .options("/api/test/echo/cors").then().header("Access-Control-Allow-Origin", "http://localhost:3000");
        given().header("Origin", "https://evil.example").header("Access-Control-Request-Method", "GET")
                .options("/api/test/echo/cors").then().header("Access-Control-Allow-Origin", nullValue());
    }
}
