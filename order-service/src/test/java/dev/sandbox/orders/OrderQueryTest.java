package dev.sandbox.orders;

import static dev.sandbox.orders.testing.OrderRequests.newKey;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.sandbox.infra.Component;
import dev.sandbox.infra.testing.WithInfrastructure;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

@QuarkusTest
@WithInfrastructure({Component.POSTGRES, Component.KAFKA, Component.REDIS})
class OrderQueryTest {

    @Test
    void anOrderShowsItsItemsTotalAndStatus() {
        var id = place("reader", "{\"sku\":\"pen\",\"quantity\":3,\"unitPrice\":1.2},{\"sku\":\"ink\",\"quantity\":1,\"unitPrice\":10}");

        given().get("/orders/" + id).then().statusCode(200)
                .body("id", equalTo(id))
                .body("customerId", equalTo("reader"))
                .body("currency", equalTo("EUR"))
                .body("total", equalTo(13.6f))
                .body("items.sku", equalTo(List.of("pen", "ink")))
                .body("items[0].unitPrice", equalTo(1.2f));
    }

    @Test
    void pagesAreStableWhileOrdersArrive() {
        var customer = "pager-" + UUID.randomUUID();
        var placed = new ArrayList<String>();
        for (var i = 0; i < 25; i++) {
            placed.add(place(customer, "{\"sku\":\"s\",\"quantity\":1,\"unitPrice\":1}"));
        }
        place("someone-else", "{\"sku\":\"s\",\"quantity\":1,\"unitPrice\":1}");

        var seen = new ArrayList<String>();
        var page = given().get("/orders?customerId=" + customer + "&limit=10").then().statusCode(200).extract();
        seen.addAll(page.path("items.id"));
        // A new order now would shift every offset; it must not shift a cursor.
        var late = place(customer, "{\"sku\":\"s\",\"quantity\":1,\"unitPrice\":1}");
        String cursor = page.path("nextCursor");
        while (cursor != null) {
            page = given().get("/orders?customerId=" + customer + "&limit=10&cursor=" + cursor).then().statusCode(200).extract();
            seen.addAll(page.path("items.id"));
            cursor = page.path("nextCursor");
        }

        assertThat(seen).doesNotContain(late).doesNotHaveDuplicates()
                .containsExactlyElementsOf(placed.reversed()); // newest first
    }

    private static String place(String customer, String items) {
        return given().contentType(ContentType.JSON).header("Idempotency-Key", newKey())
                .body("{\"customerId\":\"" + customer + "\",\"currency\":\"EUR\",\"items\":[" + items + "]}")
                .post("/orders").then().statusCode(201).extract().path("id");
    }
}
