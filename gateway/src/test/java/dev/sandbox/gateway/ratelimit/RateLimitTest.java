package dev.sandbox.gateway.ratelimit;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.sandbox.gateway.support.GatewayTestResource;
import dev.sandbox.gateway.support.TestKeys;
import dev.sandbox.infra.Component;
import dev.sandbox.infra.testing.TestInfrastructure;
import dev.sandbox.infra.testing.WithInfrastructure;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/**
 * The limit through HTTP: the headers, the 429 with Retry-After, and what happens when Redis is
 * gone or frozen (this gateway fails open: requests pass, and the metric says so).
 * {@code /api/limited} allows the free tier 5 requests per minute (sliding log).
 */
@QuarkusTest
@WithInfrastructure({Component.REDIS})
@QuarkusTestResource(GatewayTestResource.class)
class RateLimitTest {

    private static String freshUser() {
        return TestKeys.token("user-" + UUID.randomUUID(), "test", "free");
    }

    @Test
    void theSixthRequestIsRefusedWithRetryAfter() {
        var token = freshUser();
        var path = "/api/limited/echo/" + UUID.randomUUID();
        for (int i = 1; i <= 5; i++) {
            given().auth().oauth2(token).get(path).then().statusCode(200)
                    .header("RateLimit-Limit", "5").header("RateLimit-Remaining", String.valueOf(5 - i));
        }
        Response refused = given().auth().oauth2(token).get(path);
        refused.then().statusCode(429).contentType("application/problem+json")
                .body("type", equalTo("urn:problem-type:sandbox:rate-limited"))
                .header("RateLimit-Remaining", "0");
        assertThat(Long.parseLong(refused.header("Retry-After"))).isBetween(1L, 60L);
        assertThat(GatewayTestResource.UPSTREAM.received(path.replace("/api/limited", ""))).hasSize(5);
        // Another caller has a limit of its own.
        given().auth().oauth2(freshUser()).get(path).then().statusCode(200);
    }

    @Test
    void failsOpenWhenRedisIsDownAndSaysSo() {
        var token = freshUser();
        TestInfrastructure.current().outage(Component.REDIS,
                () -> given().auth().oauth2(token).get("/api/limited/echo/down").then().statusCode(200),
                () -> given().auth().oauth2(token).get("/api/limited/echo/back").then().statusCode(200)
                        .header("RateLimit-Limit", "5"));
        given().get("/q/metrics").then().body(containsString("outcome=\"fail-open\""));
    }

    @Test
    void aFrozenRedisDelaysDecisionsByTheTimeoutOnly() {
        var infra = TestInfrastructure.current();
        var token = freshUser();
        infra.pause(Component.REDIS);
        try {
            for (int i = 0; i < 10; i++) { // more than the limit: none is counted, all pass
                var started = System.nanoTime();
                given().auth().oauth2(token).get("/api/limited/echo/frozen").then().statusCode(200);
                assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
            }
        } finally {
            infra.resume(Component.REDIS);
        }
    }
}
