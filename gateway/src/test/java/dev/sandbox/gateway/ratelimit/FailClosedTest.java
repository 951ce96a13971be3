package dev.sandbox.gateway.ratelimit;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import java.util.Map;
import java.util.UUID;

import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;

import dev.sandbox.gateway.support.GatewayTestResource;
import dev.sandbox.gateway.support.TestKeys;
import dev.sandbox.infra.Component;
import dev.sandbox.infra.testing.TestInfrastructure;
import dev.sandbox.infra.testing.WithInfrastructure;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/** Failing closed: without Redis, no request passes, and the client is told to come back. */
@QuarkusTest
@WithInfrastructure({Component.REDIS})
@QuarkusTestResource(GatewayTestResource.class)
@TestProfile(FailClosedTest.Closed.class)
class FailClosedTest {

    public static class Closed implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("gateway.rate-limit.fail-mode", "closed");
        }
    }

    @Test
    void refusesWith503WhileRedisIsDown() {
        var token = TestKeys.token("user-" + UUID.randomUUID(), "test", "free");
        var path = "/api/limited/echo/" + UUID.randomUUID();
        TestInfrastructure.current().outage(Component.REDIS,
                () -> given().auth().oauth2(token).get(path).then().statusCode(503)
                        .contentType("application/problem+json")
                        .header("Retry-After", "1")
                        .body("type", equalTo("urn:problem-type:sandbox:rate-limiter-unavailable")),
                () -> given().auth().oauth2(token).get(path).then().statusCode(200));
        Assertions.assertThat(GatewayTestResource.UPSTREAM.received(path.replace("/api/limited", ""))).hasSize(1);
    }
}
