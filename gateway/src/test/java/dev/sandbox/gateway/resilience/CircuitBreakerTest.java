package dev.sandbox.gateway.resilience;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;

import org.awaitility.Awaitility;
import org.hamcrest.Matchers;
import org.junit.jupiter.api.Test;

import dev.sandbox.gateway.support.GatewayTestResource;
import dev.sandbox.gateway.support.TestKeys;
import dev.sandbox.infra.Component;
import dev.sandbox.infra.testing.WithInfrastructure;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * The guards of one upstream instance: its breaker opens while it is down and closes once it is
 * back; its bulkhead turns away what it cannot hold.
 */
@QuarkusTest
@WithInfrastructure({Component.REDIS})
@QuarkusTestResource(GatewayTestResource.class)
@TestProfile(CircuitBreakerTest.TightGuards.class)
class CircuitBreakerTest {

    /**
     * The breaker judges over 4 calls, opens at half of them failing, stays open 5 s, closes on 1
     * good trial call; the bulkhead holds 2 calls in flight and 1 waiting, per upstream instance.
     */
    public static class TightGuards implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("gateway.resilience.breaker.request-volume", "4",
                    "gateway.resilience.breaker.delay", "5s",
                    "gateway.resilience.breaker.success-threshold", "1",
                    "gateway.resilience.bulkhead.limit", "2",
                    "gateway.resilience.bulkhead.queue", "1");
        }
    }

    @Test
    void aSaturatedUpstreamIsRefusedWith503NotQueuedForever() throws Exception {
        var statuses = new ConcurrentLinkedQueue<Integer>();
        var types = new ConcurrentLinkedQueue<String>();
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 6; i++) {
                pool.submit(() -> {
                    var response = given().auth().oauth2(token).get("/api/test/slow/3000");
                    statuses.add(response.statusCode());
                    if (response.statusCode() == 503) {
                        types.add(response.jsonPath().getString("type"));
                    }
                });
            }
        }
        // 2 in flight + 1 waiting get through; the other 3 are turned away at once.
        assertThat(statuses).filteredOn(status -> status == 200).hasSize(3);
        assertThat(statuses).filteredOn(status -> status == 503).hasSize(3);
        assertThat(types).containsOnly("urn:problem-type:sandbox:upstream-saturated");
    }

    private final String token = TestKeys.token("alice", "test", "pro");

    @Test
    void theBreakerOpensWhileTheUpstreamIsDownAndClosesAfterItReturns() {
        var flaky = GatewayTestResource.FLAKY;
        given().auth().oauth2(token).get("/api/flaky/echo/before").then().statusCode(200);
        flaky.stop();
        try {
            Awaitility.await("breaker open").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                    .untilAsserted(() -> given().auth().oauth2(token).get("/api/flaky/echo/down")
                            .then().statusCode(503).contentType("application/problem+json")
                            .body("type", equalTo("urn:problem-type:sandbox:circuit-open")));
            given().get("/q/metrics").then().body(Matchers.containsString(
                    "gateway_upstream_circuit_state{upstream=\"127.0.0.1:" + flaky.port() + "\"} 2.0"));
        } finally {
            flaky.start();
        }
        var before = flaky.received().size();
        // Open: the gateway answers 503 without calling the upstream, until the delay lets a trial through.
        given().auth().oauth2(token).get("/api/flaky/echo/while-open").then().statusCode(503);
        assertThat(flaky.received()).hasSize(before);
        Awaitility.await("breaker closed").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .untilAsserted(() -> given().auth().oauth2(token).get("/api/flaky/echo/after").then().statusCode(200));
        given().get("/q/metrics").then().body(Matchers.containsString(
                "gateway_upstream_circuit_state{upstream=\"127.0.0.1:" + flaky.port() + "\"} 0.0"));
    }
}
