package dev.sandbox.rag;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.sandbox.infra.Component;
import dev.sandbox.infra.testing.TestInfrastructure;
import dev.sandbox.infra.testing.WithInfrastructure;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
@WithInfrastructure({Component.RABBITMQ, Component.REDIS})
class ServiceEndpointsTest {

    @Test
    void readyWhenItsDependenciesAnswer() {
        given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
        given().get("/q/health/live").then().statusCode(200);
    }

    @ParameterizedTest
    @EnumSource(names = {"RABBITMQ", "REDIS"})
    void notReadyWhileADependencyIsDown(Component dependency) {
        TestInfrastructure.current().outage(dependency,
                () -> given().get("/q/health/ready").then().statusCode(503).body("status", equalTo("DOWN")),
                () -> given().get("/q/health/ready").then().statusCode(200));
    }

    @Test
    void exposesMetricsAndApiDocs() {
        given().get("/q/metrics").then().statusCode(200).body(containsString("jvm_memory_used_bytes"));
        given().get("/q/openapi").then().statusCode(200);
    }
}
