package dev.sandbox.orders;

import static dev.sandbox.orders.testing.OrderRequests.body;
import static dev.sandbox.orders.testing.OrderRequests.newKey;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import java.net.URL;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.sandbox.infra.Component;
import dev.sandbox.infra.testing.TestInfrastructure;
import dev.sandbox.infra.testing.WithInfrastructure;
import dev.sandbox.orders.idempotency.IdempotencyRecord;
import dev.sandbox.orders.idempotency.IdempotencyStore;
import dev.sandbox.orders.idempotency.IdempotentRequests;
import dev.sandbox.orders.idempotency.StoredResponse;
import dev.sandbox.orders.order.PlaceOrder;
import dev.sandbox.orders.order.PlaceOrderRequest;
import dev.sandbox.orders.testing.Database;
import dev.sandbox.orders.testing.OrderRequests;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

@QuarkusTest
@WithInfrastructure({Component.POSTGRES, Component.KAFKA, Component.REDIS})
class IdempotencyTest {

    @TestHTTPResource
    URL base;

    @Inject
    DataSource db;

    @Inject
    IdempotencyStore store;

    @Inject
    IdempotentRequests idempotency;

    @Inject
    ObjectMapper mapper;

    @Test
    void twentyConcurrentIdenticalRequestsPlaceOneOrder() throws Exception {
        var key = newKey();
        var body = body("concurrent", 1, "10.00");
        var start = new CountDownLatch(1);
        var responses = new ArrayList<Future<HttpResponse<String>>>();
        try (var clients = Executors.newVirtualThreadPerTaskExecutor()) {
            for (var i = 0; i < 20; i++) {
                responses.add(clients.submit(() -> {
                    start.await();
                    return OrderRequests.post(url(), key, body);
                }));
            }
            start.countDown();
        }

        var executed = 0;
        var bodies = new HashSet<String>();
        for (var response : responses) {
            var answer = response.get();
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(201);
            bodies.add(answer.body());
            if (answer.headers().firstValue("Idempotent-Replayed").isEmpty()) {
                executed++;
            }
        }
        assertThat(executed).as("requests that executed").isEqualTo(1);
        assertThat(bodies).as("every duplicate got the first one's response").hasSize(1);
        assertThat(ordersWithKey(key)).isEqualTo(1);
    }

    @Test
    void sixtyFourConcurrentOrdersAreAllTaken() throws Exception {
        // More requests in flight than Redis' default pool lets wait: none may be turned away.
        var start = new CountDownLatch(1);
        var responses = new ArrayList<Future<HttpResponse<String>>>();
        try (var clients = Executors.newVirtualThreadPerTaskExecutor()) {
            for (var i = 0; i < 64; i++) {
                responses.add(clients.submit(() -> {
                    start.await();
                    return OrderRequests.post(url(), newKey(), body("crowd", 1, "1.00"));
                }));
            }
            start.countDown();
        }
        for (var response : responses) {
            assertThat(response.get().statusCode()).as(response.get().body()).isEqualTo(201);
        }
    }

    @Test
    void aRetryGetsTheStoredResponseAgain() {
        var key = newKey();
        var first = given().contentType(ContentType.JSON).header("Idempotency-Key", key).body(body("retry", 2, "12.5"))
                .post("/orders").then().statusCode(201).header("Idempotent-Replayed", nullValue()).extract();

        // The same order, written differently: other spacing, 12.50 for 12.5.
        var again = given().contentType(ContentType.JSON).header("Idempotency-Key", key)
                .body(" { \"customerId\": \"retry\", \"currency\": \"EUR\", \"items\": [ {\"sku\": \"sku-1\", \"quantity\": 2, \"unitPrice\": 12.50} ] } ")
                .post("/orders").then().statusCode(201).header("Idempotent-Replayed", "true").extract();

        assertThat(again.body().asString()).isEqualTo(first.body().asString());
        assertThat(again.header("Location")).isEqualTo(first.header("Location"));
        assertThat(ordersWithKey(key)).isEqualTo(1);
    }

    @Test
    void theSameKeyWithAnotherBodyIsRefused() {
        var key = newKey();
        given().contentType(ContentType.JSON).header("Idempotency-Key", key).body(body("reuse", 1, "5.00"))
                .post("/orders").then().statusCode(201);

        given().contentType(ContentType.JSON).header("Idempotency-Key", key).body(body("reuse", 3, "5.00"))
                .post("/orders").then().statusCode(422).contentType("application/problem+json")
                .body("type", equalTo("urn:problem-type:sandbox:idempotency-key-reused"));
        assertThat(ordersWithKey(key)).isEqualTo(1);
    }

    @Test
    void aDuplicateOfARequestInProgressWaitsForItsResponse() throws Exception {
        var key = newKey();
        var body = body("in-flight", 1, "7.00");
        var inProgress = new IdempotencyRecord(fingerprint(key, body), "another-request", null);
        assertThat(store.claim(key, inProgress, Duration.ofMinutes(1))).isEmpty();

        var duplicate = CompletableFuture.supplyAsync(() -> post(key, body));
        Awaitility.await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(2)).until(() -> !duplicate.isDone());

        // The request in progress finishes: the duplicate answers with its response, executing nothing.
        var response = new StoredResponse(201, "/orders/from-the-first-request", "{\"first\":true}");
        store.complete(key, new IdempotencyRecord(inProgress.requestHash(), "another-request", response), Duration.ofMinutes(1));

        var answer = duplicate.get(30, TimeUnit.SECONDS);
        assertThat(answer.statusCode()).isEqualTo(201);
        assertThat(answer.body()).isEqualTo("{\"first\":true}");
        assertThat(answer.headers().firstValue("Idempotent-Replayed")).contains("true");
        assertThat(ordersWithKey(key)).isZero();
    }

    @Test
    void aDuplicateOfARequestThatTakesTooLongGets409() throws Exception {
        var key = newKey();
        var body = body("stuck", 1, "7.00");
        store.claim(key, new IdempotencyRecord(fingerprint(key, body), "a-slow-request", null), Duration.ofMinutes(1));

        var answer = post(key, body);

        assertThat(answer.statusCode()).isEqualTo(409);
        assertThat(answer.headers().firstValue("Retry-After")).isPresent();
        assertThat(answer.headers().firstValue("Content-Type")).contains("application/problem+json");
        assertThat(ordersWithKey(key)).isZero();
    }

    @Test
    void aKeyRedisHasForgottenIsStillGuardedByTheDatabase() {
        var key = newKey();
        var id = given().contentType(ContentType.JSON).header("Idempotency-Key", key).body(body("forgotten", 1, "3.00"))
                .post("/orders").then().statusCode(201).extract().path("id");
        store.release(key, ownerOf(key)); // as if the record expired, or Redis restarted empty

        given().contentType(ContentType.JSON).header("Idempotency-Key", key).body(body("forgotten", 1, "3.00"))
                .post("/orders").then().statusCode(201).header("Idempotent-Replayed", "true").body("id", equalTo(id));
        store.release(key, ownerOf(key));
        given().contentType(ContentType.JSON).header("Idempotency-Key", key).body(body("forgotten", 9, "3.00"))
                .post("/orders").then().statusCode(422);
        assertThat(ordersWithKey(key)).isEqualTo(1);
    }

    @Test
    void withoutRedisNothingIsExecuted() {
        var key = newKey();
        TestInfrastructure.current().outage(Component.REDIS,
                () -> given().contentType(ContentType.JSON).header("Idempotency-Key", key).body(body("no-redis", 1, "1.00"))
                        .post("/orders").then().statusCode(503).contentType("application/problem+json")
                        .header("Retry-After", "2").body("type", equalTo("urn:problem-type:sandbox:idempotency-store-unavailable")),
                () -> given().get("/q/health/ready").then().statusCode(200));
        assertThat(ordersWithKey(key)).isZero();

        given().contentType(ContentType.JSON).header("Idempotency-Key", key).body(body("no-redis", 1, "1.00"))
                .post("/orders").then().statusCode(201).header("Idempotent-Replayed", nullValue());
    }

    @Test
    void aRequestThatFailedFreesItsKeyForTheRetry() {
        var key = newKey();
        TestInfrastructure.current().outage(Component.POSTGRES,
                () -> given().contentType(ContentType.JSON).header("Idempotency-Key", key).body(body("no-db", 1, "1.00"))
                        .post("/orders").then().statusCode(503).contentType("application/problem+json")
                        .body("type", equalTo("urn:problem-type:sandbox:database-unavailable")),
                () -> given().get("/q/health/ready").then().statusCode(200));

        given().contentType(ContentType.JSON).header("Idempotency-Key", key).body(body("no-db", 1, "1.00"))
                .post("/orders").then().statusCode(201).header("Idempotent-Replayed", nullValue());
        assertThat(ordersWithKey(key)).isEqualTo(1);
    }

    @Test
    void theKeyIsRequiredAndBounded() {
        given().contentType(ContentType.JSON).body(body("keys", 1, "1.00")).post("/orders")
                .then().statusCode(400).contentType("application/problem+json").body("errors[0].field", equalTo("Idempotency-Key"));
        given().contentType(ContentType.JSON).header("Idempotency-Key", "k".repeat(256)).body(body("keys", 1, "1.00")).post("/orders")
                .then().statusCode(400).body("errors[0].field", equalTo("Idempotency-Key"));
        given().contentType(ContentType.JSON).header("Idempotency-Key", "k".repeat(255)).body(body("keys", 1, "1.00")).post("/orders")
                .then().statusCode(201);
    }

    private String url() {
        return base.toString().replaceAll("/$", "");
    }

    private HttpResponse<String> post(String key, String body) {
        try {
            return OrderRequests.post(url(), key, body);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The fingerprint the service computes for this body. */
    private String fingerprint(String key, String body) throws Exception {
        return idempotency.request(key, PlaceOrder.from(mapper.readValue(body, PlaceOrderRequest.class))).fingerprint();
    }

    private String ownerOf(String key) {
        return store.get(key).orElseThrow().owner();
    }

    private long ordersWithKey(String key) {
        return Database.count(db::getConnection, "SELECT count(*) FROM orders WHERE idempotency_key = ?", key);
    }
}
