package dev.sandbox.chat.testing;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A follower of {@code GET /chat/rooms/{room}/stream}: parses server-sent events (id, event, data)
 * as a browser's {@code EventSource} does and keeps every one, in arrival order. {@link #close}
 * drops the connection without a goodbye, like a network that went away.
 */
public final class SseClient implements AutoCloseable {

    /** One event; {@code id} is null when the event set none. */
    public record Event(String id, String type, String data) {
    }

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    private final List<Event> events = new ArrayList<>();
    private final InputStream body;
    private final int status;
    private final String contentType;

    private SseClient(HttpResponse<InputStream> response) {
        this.body = response.body();
        this.status = response.statusCode();
        this.contentType = response.headers().firstValue("Content-Type").orElse("");
        if (status == 200) {
            var reader = new Thread(this::read, "sse-client");
            reader.setDaemon(true);
            reader.start();
        }
    }

    /** Connects with a bearer token for {@code user} (none when null) and the given extra headers. */
    public static SseClient connect(String baseUrl, String room, String user, String query, String... headers) throws Exception {
        var builder = HttpRequest.newBuilder(URI.create(baseUrl + "/chat/rooms/" + room + "/stream" + (query == null ? "" : "?" + query)))
                .header("Accept", "text/event-stream");
        if (user != null) {
            builder.header("Authorization", "Bearer " + Tokens.token(user));
        }
        if (headers.length > 0) {
            builder.headers(headers);
        }
        return new SseClient(HTTP.send(builder.build(), HttpResponse.BodyHandlers.ofInputStream()));
    }

    private void read() {
        try (var lines = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
            String id = null;
            String type = "message";
            var data = new StringBuilder();
            String line;
            while ((line = lines.readLine()) != null) {
                if (line.isEmpty()) {
                    if (!data.isEmpty()) {
                        synchronized (events) {
                            events.add(new Event(id, type, data.toString()));
                        }
                    }
                    id = null;
                    type = "message";
                    data.setLength(0);
                } else if (line.startsWith("id:")) {
                    id = line.substring(3).trim();
                } else if (line.startsWith("event:")) {
                    type = line.substring(6).trim();
                } else if (line.startsWith("data:")) {
                    data.append(line.substring(5).trim());
                }
            }
        } catch (Exception e) {
            // closed
        }
    }

    public int status() {
        return status;
    }

    public String contentType() {
        return contentType;
    }

    public List<Event> events() {
        synchronized (events) {
            return List.copyOf(events);
        }
    }

    /** The ids of the {@code message} events so far, as numbers (the seqs), in arrival order. */
    public List<Long> messageIds() {
        return events().stream().filter(e -> "message".equals(e.type())).map(e -> Long.parseLong(e.id())).toList();
    }

    @Override
    public void close() {
        try {
            body.close();
        } catch (Exception e) {
            // gone already
        }
    }
}
