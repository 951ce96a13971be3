package dev.sandbox.gateway.headers;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import dev.sandbox.gateway.support.GatewayTestResource;
import dev.sandbox.gateway.support.TestKeys;
import dev.sandbox.infra.Component;
import dev.sandbox.infra.testing.WithInfrastructure;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Exactly one Content-Security-Policy on every answer: a route that serves a page gets its own
 * policy and nothing stricter beside it (a browser enforces every policy it is given, so a second
 * {@code default-src 'none'} would block the page's script), every other answer the gateway's.
 */
@QuarkusTest
@WithInfrastructure({Component.REDIS})
@QuarkusTestResource(GatewayTestResource.class)
class ContentSecurityPolicyTest {

    private static final String GATEWAY_POLICY = "default-src 'none'; frame-ancestors 'none'";

    @Test
    void aPageRouteAnswersWithItsOwnPolicyAlone() {
        var response = given().get("/page/echo/index.html").then().statusCode(200).extract();
        assertThat(response.headers().getValues("Content-Security-Policy")).containsExactly(GatewayTestResource.PAGE_POLICY);
    }

    @Test
    void everyOtherAnswerCarriesTheGatewaysPolicy() {
        var proxied = given().auth().oauth2(TestKeys.token("alice", "test", "pro")).get("/api/test/echo/csp").then().statusCode(200).extract();
        assertThat(proxied.headers().getValues("Content-Security-Policy")).containsExactly(GATEWAY_POLICY);
        var refused = given().get("/api/test/echo/csp").then().statusCode(401).extract();
        assertThat(refused.headers().getValues("Content-Security-Policy")).containsExactly(GATEWAY_POLICY);
        var unrouted = given().get("/api/nowhere").then().statusCode(404).extract();
        assertThat(unrouted.headers().getValues("Content-Security-Policy")).containsExactly(GATEWAY_POLICY);
        var own = given().get("/q/health/live").then().extract();
        assertThat(own.headers().getValues("Content-Security-Policy")).containsExactly(GATEWAY_POLICY);
    }
}
