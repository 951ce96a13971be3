package dev.sandbox.chat.testing;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A chat client as the browser page behaves: it reconnects after any close with capped exponential
 * backoff and full jitter (a random delay in [0, min(cap, base * 2^attempt)]), moving to the next
 * node; it resumes with {@code lastSeq} and {@code epoch}; it resends every send not yet answered
 * with {@code sent}, with the same {@code clientMsgId}, after a reconnect and after an
 * {@code unavailable} or {@code rate-limited} error. It keeps every {@code message} frame it got,
 * in arrival order, duplicates included, so a test can compare logs.
 */
public final class ResilientClient {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final ScheduledExecutorService TIMER = Executors.newScheduledThreadPool(2, r -> {
        var thread = new Thread(r, "resilient-client");
        thread.setDaemon(true);
        return thread;
    });

    private final List<String> nodes;
    private final String room;
    private final String user;
    private final Duration base;
    private final Duration cap;
    private final List<JsonNode> log = new ArrayList<>();
    private final Map<String, String> pending = new LinkedHashMap<>();
    private final Map<String, Long> acknowledged = new LinkedHashMap<>();
    private final AtomicInteger reconnects = new AtomicInteger();
    private final AtomicInteger counter = new AtomicInteger();
    private final Object sendLock = new Object();
    private int node;
    private int attempt;
    private long lastSeq = -1;
    private String epoch;
    private boolean resets;
    private volatile WebSocket socket;
    private volatile boolean stopped;

    public ResilientClient(List<String> nodes, int firstNode, String room, String user, Duration base, Duration cap) {
        this.nodes = nodes;
        this.node = firstNode;
        this.room = room;
        this.user = user;
        this.base = base;
        this.cap = cap;
    }

    public void start() {
        connect();
    }

    private void connect() {
        if (stopped) {
            return;
        }
        String query;
        synchronized (this) {
            query = "token=" + Tokens.token(user) + (lastSeq >= 0 ? "&lastSeq=" + lastSeq : "")
                    + (epoch != null ? "&epoch=" + URLEncoder.encode(epoch, StandardCharsets.UTF_8) : "");
        }
        var uri = URI.create(nodes.get(node).replaceFirst("^http", "ws") + "/chat/rooms/" + room + "?" + query);
        var text = new StringBuilder();
        HTTP.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(2)).buildAsync(uri, new WebSocket.Listener() {
            @Override
            public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                text.append(data);
                if (last) {
                    onFrame(webSocket, text.toString());
                    text.setLength(0);
                }
                webSocket.request(1);
                return null;
            }

            @Override
            public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
                lost(webSocket);
                return null;
            }

            @Override
            public void onError(WebSocket webSocket, Throwable error) {
                lost(webSocket);
            }
        }).whenComplete((ws, failure) -> {
            if (failure != null) {
                lost(null);
            }
        });
    }

    private void onFrame(WebSocket webSocket, String raw) {
        JsonNode frame;
        try {
            frame = WsClient.JSON.readTree(raw);
        } catch (Exception e) {
            return;
        }
        switch (frame.path("type").asText()) {
            case "welcome" -> {
                List<Map.Entry<String, String>> resend;
                synchronized (this) {
                    attempt = 0;
                    socket = webSocket;
                    if (frame.path("reset").asBoolean()) {
                        resets = true;
                    }
                    epoch = frame.get("epoch").asText();
                    if (lastSeq < 0) {
                        lastSeq = frame.get("headSeq").asLong();
                    }
                    resend = new ArrayList<>(pending.entrySet());
                }
                TIMER.execute(() -> resend.forEach(e -> write(e.getKey(), e.getValue())));
            }
            case "message" -> {
                synchronized (this) {
                    log.add(frame);
                    lastSeq = Math.max(lastSeq, frame.get("seq").asLong());
                }
            }
            case "error" -> {
                var code = frame.path("code").asText();
                if ("unavailable".equals(code) || "rate-limited".equals(code)) {
                    // The protocol's advice: retry the same clientMsgId (deduplicated), a little later.
                    List<Map.Entry<String, String>> retry;
                    synchronized (this) {
                        retry = new ArrayList<>(pending.entrySet());
                    }
                    TIMER.schedule(() -> retry.forEach(e -> write(e.getKey(), e.getValue())),
                            100 + ThreadLocalRandom.current().nextLong(base.toMillis() + 1), TimeUnit.MILLISECONDS);
                }
            }
            case "sent" -> {
                synchronized (this) {
                    pending.remove(frame.get("clientMsgId").asText());
                    acknowledged.put(frame.get("clientMsgId").asText(), frame.get("seq").asLong());
                }
            }
            default -> {
            }
        }
    }

    private void lost(WebSocket which) {
        long delay;
        synchronized (this) {
            if (which != null && which != socket && socket != null) {
                return; // an old socket's late news
            }
            socket = null;
            if (stopped) {
                return;
            }
            attempt++;
            node = (node + 1) % nodes.size();
            var ceiling = Math.min(cap.toMillis(), base.toMillis() * (1L << Math.min(attempt, 20)));
            delay = ThreadLocalRandom.current().nextLong(ceiling + 1);
        }
        reconnects.incrementAndGet();
        TIMER.schedule(this::connect, delay, TimeUnit.MILLISECONDS);
    }

    /** Posts a new message (retried until {@code sent}); returns its clientMsgId. */
    public String send(String text) {
        var clientMsgId = user + "-" + counter.incrementAndGet();
        synchronized (this) {
            pending.put(clientMsgId, text);
        }
        write(clientMsgId, text);
        return clientMsgId;
    }

    private void write(String clientMsgId, String text) {
        var ws = socket;
        if (ws == null) {
            return;
        }
        var frame = WsClient.JSON.createObjectNode().put("type", "send").put("clientMsgId", clientMsgId).put("text", text).toString();
        synchronized (sendLock) {
            try {
                ws.sendText(frame, true).get(2, TimeUnit.SECONDS);
            } catch (Exception e) {
                // resent after the next welcome
            }
        }
    }

    public synchronized List<JsonNode> log() {
        return List.copyOf(log);
    }

    public synchronized List<String> logIds() {
        return log.stream().map(f -> f.get("msgId").asText()).toList();
    }

    public synchronized int pendingCount() {
        return pending.size();
    }

    public synchronized Map<String, Long> acknowledged() {
        return Map.copyOf(acknowledged);
    }

    public synchronized boolean sawReset() {
        return resets;
    }

    public int reconnects() {
        return reconnects.get();
    }

    public String user() {
        return user;
    }

    public void stop() {
        stopped = true;
        var ws = socket;
        if (ws != null) {
            ws.abort();
        }
    }
}
