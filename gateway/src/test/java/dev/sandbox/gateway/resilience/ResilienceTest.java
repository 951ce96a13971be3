package dev.sandbox.gateway.resilience;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.util.ArrayList;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import dev.sandbox.gateway.support.GatewayTestResource;
import dev.sandbox.gateway.support.TestKeys;
import dev.sandbox.infra.Component;
import dev.sandbox.infra.testing.WithInfrastructure;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Retries only where a repeat is harmless, with jittered backoff; timeouts per route. (Test
 * settings: 3 attempts, backoff base 200 ms capped at 1 s; the breaker needs 1000 calls to judge,
 * so these failures never open it: {@link CircuitBreakerTest} has its own settings.)
 */
@QuarkusTest
@WithInfrastructure({Component.REDIS})
@QuarkusTestResource(GatewayTestResource.class)
class ResilienceTest {

    private final String token = TestKeys.token("alice", "test", "pro");

    private static String unique(String path) {
        return path + "/" + UUID.randomUUID();
    }

    @Test
    void aPostWithoutIdempotencyKeyIsNeverRetried() {
        var path = unique("/status/503");
        given().auth().oauth2(token).body("pay once").post("/api/test" + path).then().statusCode(503);
        assertThat(GatewayTestResource.UPSTREAM.received(path)).hasSize(1);
    }

    @Test
    void idempotentRequestsAreRetriedOnTransientErrorsOnly() {
        var withKey = unique("/status/503");
        given().auth().oauth2(token).header("Idempotency-Key", UUID.randomUUID().toString()).body("safe to repeat")
                .post("/api/test" + withKey).then().statusCode(503);
        assertThat(GatewayTestResource.UPSTREAM.received(withKey)).hasSize(3)
                .allMatch(request -> request.bodyBytes() == "safe to repeat".length());

        var get = unique("/status/502");
        given().auth().oauth2(token).get("/api/test" + get).then().statusCode(502);
        assertThat(GatewayTestResource.UPSTREAM.received(get)).hasSize(3);

        for (var status : new int[] {400, 404, 409, 429, 500}) {
            var path = unique("/status/" + status);
            given().auth().oauth2(token).get("/api/test" + path).then().statusCode(status);
            assertThat(GatewayTestResource.UPSTREAM.received(path)).as("status %d", status).hasSize(1);
        }
    }

    @Test
    void everyAttemptCarriesTheRequestsTrace() {
        var traceId = UUID.randomUUID().toString().replace("-", "");
        var path = unique("/status/503");
        given().auth().oauth2(token).header("traceparent", "00-" + traceId + "-00f067aa0ba902b7-01")
                .get("/api/test" + path).then().statusCode(503);
        // Every attempt, the first after the limiter's answer (which arrives on the Redis connection's
        // context) and each retry after its timer, belongs to the client's trace, as a child of the
        // gateway's span, not of the caller's.
        assertThat(GatewayTestResource.UPSTREAM.received(path)).hasSize(3)
                .allSatisfy(attempt -> assertThat(attempt.headers().get("traceparent"))
                        .startsWith("00-" + traceId + "-").doesNotContain("00f067aa0ba902b7"));
    }

    @Test
    void retriesWaitAJitteredBackoff() {
        var firstGaps = new ArrayList<Long>();
        for (int i = 0; i < 16; i++) {
            var path = unique("/status/504");
            given().auth().oauth2(token).get("/api/test" + path).then().statusCode(504);
            var attempts = GatewayTestResource.UPSTREAM.received(path);
            assertThat(attempts).hasSize(3);
            firstGaps.add(TimeUnit.NANOSECONDS.toMillis(attempts.get(1).atNanos() - attempts.get(0).atNanos()));
        }
        firstGaps.sort(null);
        // Full jitter: first waits are spread over [0, 200 ms], not bunched at one value; the cap holds.
        assertThat(firstGaps.getLast()).isLessThan(200 + 250);
        assertThat(firstGaps.getLast() - firstGaps.getFirst()).as("spread of %s", firstGaps).isGreaterThan(80);
        assertThat(firstGaps.getFirst()).as("shortest of %s", firstGaps).isLessThan(100);
    }

    @Test
    void aSlowUpstreamTimesOutWithA504() {
        given().auth().oauth2(token).get("/api/fast/slow/3000").then().statusCode(504)
                .contentType("application/problem+json").body("type", equalTo("urn:problem-type:sandbox:upstream-timeout"));
        given().auth().oauth2(token).get("/api/fast/slow/10").then().statusCode(200);
    }
}
