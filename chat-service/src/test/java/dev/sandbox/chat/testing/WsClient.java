package dev.sandbox.chat.testing;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One plain websocket connection for tests: every frame received, in order, and the close code;
 * {@link #next} takes them by kind, in order.
 * With {@code reading} false it never asks for frames after the first, like a client that stopped
 * reading (the server's writes back up into its socket buffers and then its outbound queue).
 */
public final class WsClient implements AutoCloseable {

    public static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    private final LinkedBlockingQueue<JsonNode> frames = new LinkedBlockingQueue<>();
    private final List<JsonNode> all = new ArrayList<>();
    /** Frames received that no {@link #next} call has taken yet, oldest first (test thread only). */
    private final List<JsonNode> untaken = new ArrayList<>();
    private final Map<JsonNode, Long> arrivals = Collections.synchronizedMap(new IdentityHashMap<>());
    private final CompletableFuture<Integer> closed = new CompletableFuture<>();
    private final WebSocket socket;

    private WsClient(URI uri, boolean reading) {
        var text = new StringBuilder();
        var listener = new WebSocket.Listener() {
            @Override
            public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                text.append(data);
                if (last) {
                    try {
                        var arrived = System.nanoTime();
                        var node = JSON.readTree(text.toString());
                        arrivals.put(node, arrived);
                        synchronized (all) {
                            all.add(node);
                        }
                        frames.add(node);
                    } catch (Exception e) {
                        frames.add(JSON.createObjectNode().put("type", "unparsable"));
                    }
                    text.setLength(0);
                }
                if (reading) {
                    webSocket.request(1);
                }
                return null;
            }

            @Override
            public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
                closed.complete(statusCode);
                return null;
            }

            @Override
            public void onError(WebSocket webSocket, Throwable error) {
                closed.complete(-1);
            }
        };
        this.socket = HTTP.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5)).buildAsync(uri, listener).join();
    }

    public static WsClient connect(String baseUrl, String room, String user, String query) {
        return new WsClient(uri(baseUrl, room, user, query), true);
    }

    public static WsClient connectNotReading(String baseUrl, String room, String user) {
        return new WsClient(uri(baseUrl, room, user, null), false);
    }

    public static URI uri(String baseUrl, String room, String user, String query) {
        var ws = baseUrl.replaceFirst("^http", "ws");
        var q = (user == null ? "" : "token=" + Tokens.token(user)) + (query == null ? "" : "&" + query);
        return URI.create(ws + "/chat/rooms/" + room + "?" + q);
    }

    /** The status of a refused upgrade (or 101 when accepted). */
    public static int upgradeStatus(URI uri) {
        try {
            HTTP.newWebSocketBuilder().buildAsync(uri, new WebSocket.Listener() { }).join().abort();
            return 101;
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof java.net.http.WebSocketHandshakeException handshake) {
                return handshake.getResponse().statusCode();
            }
            throw e;
        }
    }

    public void send(String frame) {
        socket.sendText(frame, true).join();
    }

    public void send(ObjectNode frame) {
        send(frame.toString());
    }

    public void sendMessage(String clientMsgId, String text) {
        send(JSON.createObjectNode().put("type", "send").put("clientMsgId", clientMsgId).put("text", text));
    }

    public void sendBinary(byte[] bytes) {
        socket.sendBinary(ByteBuffer.wrap(bytes), true).join();
    }

    /**
     * The oldest frame not yet taken that matches {@code which}. Frames of other kinds stay for later
     * calls: the protocol orders frames of one kind (a member's messages by seq), not the kinds among
     * themselves (the sender's own {@code message} may arrive before or after its {@code sent}).
     */
    public JsonNode next(Predicate<JsonNode> which) {
        for (var it = untaken.iterator(); it.hasNext(); ) {
            var frame = it.next();
            if (which.test(frame)) {
                it.remove();
                return frame;
            }
        }
        var deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (System.nanoTime() < deadline) {
            try {
                var frame = frames.poll(200, TimeUnit.MILLISECONDS);
                if (frame == null) {
                    continue;
                }
                if (which.test(frame)) {
                    return frame;
                }
                untaken.add(frame);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new AssertionError("no matching frame within 15 s; received " + all());
    }

    public JsonNode next(String type) {
        return next(frame -> type.equals(frame.path("type").asText()));
    }

    /** When {@code frame} (one this client received) arrived, by {@link System#nanoTime}. */
    public long arrivedAt(JsonNode frame) {
        return arrivals.get(frame);
    }

    public List<JsonNode> all() {
        synchronized (all) {
            return List.copyOf(all);
        }
    }

    /** The seqs of every {@code message} frame received so far, in arrival order. */
    public List<Long> messageSeqs() {
        return all().stream().filter(f -> "message".equals(f.path("type").asText())).map(f -> f.get("seq").asLong()).toList();
    }

    public CompletableFuture<Integer> closed() {
        return closed;
    }

    public int awaitClose() {
        return closed.orTimeout(20, TimeUnit.SECONDS).join();
    }

    @Override
    public void close() {
        if (!socket.isOutputClosed()) {
            socket.sendClose(1000, "bye").exceptionally(e -> null);
        }
        socket.abort();
    }
}
