package dev.sandbox.orders;

import static dev.sandbox.orders.testing.OrderRequests.newKey;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import java.util.Collections;
import java.util.UUID;
import java.util.stream.Stream;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.sandbox.infra.Component;
import dev.sandbox.infra.testing.WithInfrastructure;
import dev.sandbox.orders.testing.Database;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/** Bad input gets a 4xx problem+json that names what is wrong, and creates nothing; never a 5xx. */
@QuarkusTest
@WithInfrastructure({Component.POSTGRES, Component.KAFKA, Component.REDIS})
class OrderValidationTest {

    private static final String ITEM = "{\"sku\":\"a\",\"quantity\":1,\"unitPrice\":1.00}";

    @Inject
    DataSource db;

    static Stream<Arguments> badBodies() {
        return Stream.of(
                Arguments.of("malformed JSON", "{\"customerId\":\"c\",", null),
                Arguments.of("not an object", "[]", null),
                Arguments.of("null", "null", "body"),
                Arguments.of("quantity as a string", body("\"c\"", "\"EUR\"", "{\"sku\":\"a\",\"quantity\":\"2\",\"unitPrice\":1}"), "items[0].quantity"),
                Arguments.of("fractional quantity", body("\"c\"", "\"EUR\"", "{\"sku\":\"a\",\"quantity\":1.5,\"unitPrice\":1}"), "items[0].quantity"),
                Arguments.of("price as a string", body("\"c\"", "\"EUR\"", "{\"sku\":\"a\",\"quantity\":1,\"unitPrice\":\"1.00\"}"), "items[0].unitPrice"),
                Arguments.of("customer as a number", body("42", "\"EUR\"", ITEM), "customerId"),
                Arguments.of("items as an object", "{\"customerId\":\"c\",\"currency\":\"EUR\",\"items\":{}}", "items"),
                Arguments.of("zero quantity", body("\"c\"", "\"EUR\"", "{\"sku\":\"a\",\"quantity\":0,\"unitPrice\":1}"), "items[0].quantity"),
                Arguments.of("negative quantity", body("\"c\"", "\"EUR\"", "{\"sku\":\"a\",\"quantity\":-3,\"unitPrice\":1}"), "items[0].quantity"),
                // Jackson's parser refuses it before any field is known: a 400 without the field's name.
                Arguments.of("quantity beyond int", body("\"c\"", "\"EUR\"", "{\"sku\":\"a\",\"quantity\":99999999999,\"unitPrice\":1}"), null),
                Arguments.of("negative price", body("\"c\"", "\"EUR\"", "{\"sku\":\"a\",\"quantity\":1,\"unitPrice\":-1}"), "items[0].unitPrice"),
                Arguments.of("huge price", body("\"c\"", "\"EUR\"", "{\"sku\":\"a\",\"quantity\":1,\"unitPrice\":1e40}"), "items[0].unitPrice"),
                Arguments.of("more decimals than the currency", body("\"c\"", "\"JPY\"", "{\"sku\":\"a\",\"quantity\":1,\"unitPrice\":1.5}"), "items[0].unitPrice"),
                Arguments.of("empty items", body("\"c\"", "\"EUR\"", ""), "items"),
                Arguments.of("no items", "{\"customerId\":\"c\",\"currency\":\"EUR\"}", "items"),
                Arguments.of("a null item", body("\"c\"", "\"EUR\"", "null"), "items[0]"),
                Arguments.of("too many items", body("\"c\"", "\"EUR\"", String.join(",", Collections.nCopies(101, ITEM))), "items"),
                Arguments.of("unknown currency", body("\"c\"", "\"ZZZ\"", ITEM), "currency"),
                Arguments.of("not a currency code", body("\"c\"", "\"euro\"", ITEM), "currency"),
                Arguments.of("blank customer", body("\"  \"", "\"EUR\"", ITEM), "customerId"),
                Arguments.of("unknown field", "{\"customerId\":\"c\",\"currency\":\"EUR\",\"coupon\":\"FREE\",\"items\":[" + ITEM + "]}", "coupon"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badBodies")
    void aBadBodyIsA400NamingTheField(String why, String body, String field) {
        var key = newKey();
        var response = given().contentType(ContentType.JSON).header("Idempotency-Key", key).body(body)
                .post("/orders").then().statusCode(400).contentType("application/problem+json")
                .body("status", equalTo(400)).body("type", startsWith("urn:problem-type:sandbox:")).extract();
        if (field != null) {
            assertThat(response.<String>path("errors[0].field")).isEqualTo(field);
        }
        assertThat(Database.count(db::getConnection, "SELECT count(*) FROM orders WHERE idempotency_key = ?", key)).isZero();
    }

    @Test
    void aHugeBodyIsA413() {
        var items = String.join(",", Collections.nCopies(5_000, "{\"sku\":\"" + "x".repeat(60) + "\",\"quantity\":1,\"unitPrice\":1}"));
        given().contentType(ContentType.JSON).header("Idempotency-Key", newKey()).body(body("\"c\"", "\"EUR\"", items))
                .post("/orders").then().statusCode(413).contentType("application/problem+json")
                .body("type", equalTo("urn:problem-type:sandbox:body-too-large"));
    }

    @Test
    void aBodyThatIsNotJsonIsA415() {
        given().contentType(ContentType.TEXT).header("Idempotency-Key", newKey()).body("two books, please")
                .post("/orders").then().statusCode(415).contentType("application/problem+json");
    }

    @Test
    void badQueriesAre400s() {
        given().get("/orders/not-a-uuid").then().statusCode(400).contentType("application/problem+json").body("errors[0].field", equalTo("id"));
        given().get("/orders/" + UUID.randomUUID()).then().statusCode(404).contentType("application/problem+json");
        given().get("/orders?limit=0").then().statusCode(400).body("errors[0].field", equalTo("limit"));
        given().get("/orders?limit=ten").then().statusCode(400).body("errors[0].field", equalTo("limit"));
        given().get("/orders?cursor=bm90LWEtY3Vyc29y").then().statusCode(400).body("errors[0].field", equalTo("cursor"));
        given().get("/orders?cursor=%%%").then().statusCode(400);
    }

    private static String body(String customerId, String currency, String items) {
        return "{\"customerId\":" + customerId + ",\"currency\":" + currency + ",\"items\":[" + items + "]}";
    }

    /** JSONTestSuite's 318 texts as order bodies: each parses or is refused, with a 4xx, and none creates an order. */
    @Test
    void jsonTestSuiteBodiesAreParsedOrRefusedNeverA5xx() throws Exception {
        var before = Database.count(db::getConnection, "SELECT count(*) FROM orders");
        dev.sandbox.infra.testing.PeerSuites.assertJsonEndpointHoldsToTheSuite(body -> given().contentType(ContentType.JSON)
                .header("Idempotency-Key", newKey()).body(body.getBytes(java.nio.charset.StandardCharsets.UTF_8)).post("/orders"));
        assertThat(Database.count(db::getConnection, "SELECT count(*) FROM orders")).isEqualTo(before);
    }
}
