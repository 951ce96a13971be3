package dev.sandbox.infra.testing;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import org.junit.jupiter.api.Test;

import dev.sandbox.infra.Component;

/**
 * What every service promises to whoever operates it: it is live; it is ready exactly while its
 * dependencies answer (each dependency is killed in turn: readiness must go DOWN, then come back
 * after the restart); it exposes Prometheus metrics and its OpenAPI document. A service's test
 * extends this and names its dependencies with {@link WithInfrastructure} on a {@code @QuarkusTest}.
 */
public abstract class ServiceContract {

    @Test
    void readyWhenItsDependenciesAnswer() {
        given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
        given().get("/q/health/live").then().statusCode(200);
    }

    @Test
    void notReadyWhileADependencyIsDown() {
        var infrastructure = TestInfrastructure.current();
        for (Component dependency : dependencies()) {
            infrastructure.outage(dependency,
                    () -> given().get("/q/health/ready").then().statusCode(503).body("status", equalTo("DOWN")),
                    () -> given().get("/q/health/ready").then().statusCode(200));
        }
    }

    @Test
    void exposesMetricsAndApiDocs() {
        given().get("/q/metrics").then().statusCode(200).body(containsString("jvm_memory_used_bytes"));
        given().get("/q/openapi").then().statusCode(200);
    }

    private Component[] dependencies() {
        var annotation = getClass().getAnnotation(WithInfrastructure.class);
        if (annotation == null) {
            throw new IllegalStateException(getClass().getSimpleName() + " must name its dependencies with @WithInfrastructure");
        }
        return annotation.value();
    }
}
