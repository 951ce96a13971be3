package dev.sandbox.system.observability;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The running sandbox as a user calls it: through the gateway, with a dev token of a demo user, and
 * the trace id every answer carries ({@code X-Trace-Id}).
 */
final class Gateway {

    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    static final ObjectMapper JSON = new ObjectMapper();

    private final String url;
    private final String token;

    Gateway(String url, String user) {
        this.url = url;
        this.token = token(url, user);
    }

    String url() {
        return url;
    }

    String token() {
        return token;
    }

    /**
     * POSTs {@code body} to {@code path} as the user; the answer, whatever its status. A 503 with
     * {@code Retry-After} (a dependency away for a moment: the busy machine) is sent again after the
     * pause it asks for, a few times, as a well-behaved client does.
     */
    HttpResponse<String> post(String path, String contentType, String body, Map<String, String> headers) {
        var request = HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + token).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(request::header);
        var response = send(request.build());
        for (var attempt = 1; attempt < 5 && response.statusCode() == 503 && response.headers().firstValue("Retry-After").isPresent(); attempt++) {
            pause(Duration.ofSeconds(Long.parseLong(response.headers().firstValue("Retry-After").get())));
            response = send(request.build());
        }
        return response;
    }

    private static void pause(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + token).GET().build());
    }

    /** The trace the answer belongs to. */
    static String traceId(HttpResponse<String> response) {
        return response.headers().firstValue("X-Trace-Id")
                .orElseThrow(() -> new AssertionError("no X-Trace-Id on " + response.uri() + " (" + response.statusCode() + ")"));
    }

    /**
     * Opens a websocket as the user: the gateway (and every service behind it) takes the token as
     * {@code Authorization}. A refused upgrade (a 502 or 503 while a node fetches the gateway's keys
     * on a busy machine) is tried again a few times, as the chat page reconnects.
     */
    WebSocket websocket(String base, String path, WebSocket.Listener listener) {
        for (var attempt = 1;; attempt++) {
            try {
                return HTTP.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10)).header("Authorization", "Bearer " + token)
                        .buildAsync(URI.create(base.replaceFirst("^http", "ws") + path), listener).get(30, TimeUnit.SECONDS);
            } catch (ExecutionException | TimeoutException e) {
                if (attempt == 5) {
                    throw new AssertionError("no websocket at " + base + path + " after " + attempt + " attempts: " + e, e);
                }
                pause(Duration.ofSeconds(2));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }
    }

    static JsonNode json(HttpResponse<String> response) {
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new AssertionError("not JSON from " + response.uri() + ": " + response.body(), e);
        }
    }

    static HttpResponse<String> send(HttpRequest request) {
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError(request.method() + " " + request.uri() + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    private static String token(String url, String user) {
        var response = send(HttpRequest.newBuilder(URI.create(url + "/auth/token")).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"" + user + "\"}")).build());
        if (response.statusCode() != 200) {
            throw new AssertionError("no dev token for " + user + ": " + response.statusCode() + " " + response.body());
        }
        return json(response).path("access_token").asText();
    }
}
