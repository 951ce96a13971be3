package dev.sandbox.common.problem;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;

import java.util.List;
import java.util.Map;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.MediaType;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

@QuarkusTest
class ProblemMappersTest {

    record Item(@NotBlank String sku, @Min(1) int quantity) {
    }

    record Order(@NotEmpty List<@Valid Item> items) {
    }

    @Path("/problems-test")
    public static class TestResource {

        @POST
        @Consumes(MediaType.APPLICATION_JSON)
        public String create(@Valid Order order) {
            return "ok";
        }

        @GET
        @Path("/busy")
        public String busy() {
            throw new ProblemException(503, "overloaded", "Overloaded", "try again later", List.of(), Map.of("Retry-After", "3"));
        }

        @GET
        @Path("/bug")
        public String bug() {
            throw new IllegalStateException("secret internal detail");
        }
    }

    @Test
    void malformedJsonIsA400SayingWhere() {
        given().contentType(ContentType.JSON).body("{\"items\": [").post("/problems-test")
                .then().statusCode(400).contentType(Problem.MEDIA_TYPE)
                .body("type", equalTo("urn:problem-type:sandbox:malformed-body"))
                .body("detail", containsString("line 1"))
                .body("instance", equalTo("/problems-test"));
    }

    @Test
    void wrongTypeNamesTheField() {
        given().contentType(ContentType.JSON).body("{\"items\": [{\"sku\": \"a\", \"quantity\": \"many\"}]}").post("/problems-test")
                .then().statusCode(400).contentType(Problem.MEDIA_TYPE)
                .body("errors[0].field", equalTo("items[0].quantity"))
                .body("errors[0].message", containsString("a number"));
    }

    @Test
    void constraintViolationsListEveryField() {
        given().contentType(ContentType.JSON).body("{\"items\": [{\"sku\": \"\", \"quantity\": 0}]}").post("/problems-test")
                .then().statusCode(400).contentType(Problem.MEDIA_TYPE)
                .body("type", equalTo("urn:problem-type:sandbox:validation"))
                .body("errors.field", hasItems("items[0].sku", "items[0].quantity"));
        given().contentType(ContentType.JSON).body("{\"items\": []}").post("/problems-test")
                .then().statusCode(400).body("errors[0].field", equalTo("items"));
    }

    @Test
    void httpErrorsKeepTheirStatusAndHeaders() {
        given().get("/no-such-thing").then().statusCode(404).contentType(Problem.MEDIA_TYPE)
                .body("type", equalTo("urn:problem-type:sandbox:not-found"));
        given().delete("/problems-test").then().statusCode(405).contentType(Problem.MEDIA_TYPE);
        given().contentType(ContentType.TEXT).body("hello").post("/problems-test")
                .then().statusCode(415).contentType(Problem.MEDIA_TYPE);
        given().get("/problems-test/busy").then().statusCode(503).header("Retry-After", "3")
                .body("type", equalTo("urn:problem-type:sandbox:overloaded"));
    }

    @Test
    void unexpectedErrorsAre500sWithATraceIdAndNoInternals() {
        given().get("/problems-test/bug").then().statusCode(500).contentType(Problem.MEDIA_TYPE)
                .body("traceId", matchesPattern("[0-9a-f]{32}"))
                .body(not(containsString("secret internal detail")))
                .body(not(containsString("IllegalStateException")));
    }

    /** The answer names its trace, the same id the problem body carries: what to paste into the trace UI. */
    @Test
    void everyAnswerNamesItsTrace() {
        var answer = given().contentType(ContentType.JSON).body("{\"items\": [").post("/problems-test").then().statusCode(400)
                .header("X-Trace-Id", matchesPattern("[0-9a-f]{32}")).extract();
        org.assertj.core.api.Assertions.assertThat(answer.header("X-Trace-Id")).isEqualTo(answer.path("traceId"));
        given().get("/q/health/live").then().statusCode(200).header("X-Trace-Id", matchesPattern("[0-9a-f]{32}"));
    }
}
