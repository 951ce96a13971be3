package dev.sandbox.orders.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;

/** Order requests over real HTTP, for tests that need many of them, concurrently or against a process. */
public final class OrderRequests {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private OrderRequests() {
    }

    /** A valid body: one line of {@code quantity} x {@code unitPrice} EUR. */
    public static String body(String customerId, int quantity, String unitPrice) {
        return """
                {"customerId":"%s","currency":"EUR","items":[{"sku":"sku-1","quantity":%d,"unitPrice":%s}]}"""
                .formatted(customerId, quantity, unitPrice);
    }

    public static String newKey() {
        return UUID.randomUUID().toString();
    }

    /** POST /orders; the response, or an IOException if the server is not there (killed, restarting). */
    public static HttpResponse<String> post(String baseUrl, String idempotencyKey, String body) throws IOException, InterruptedException {
        var request = HttpRequest.newBuilder(URI.create(baseUrl + "/orders"))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .header("Idempotency-Key", idempotencyKey)
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }

    public static HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
