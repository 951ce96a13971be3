package dev.sandbox.gateway.support;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import dev.sandbox.infra.local.Ports;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;

/**
 * A real HTTP upstream for the gateway's tests, listening on a port of its own (kept across
 * {@link #stop()} and {@link #start()}, like a restarted service). It records every request it
 * gets, and answers by path:
 * <ul>
 * <li>{@code /echo/**}: 200 with the method, URI, headers, body length and SHA-256 as JSON;</li>
 * <li>{@code /status/{code}/**}: that status;</li>
 * <li>{@code /bytes/{n}}: n bytes, chunked;</li>
 * <li>{@code /slow/{ms}}: 200 after that long;</li>
 * <li>{@code /ws}: a WebSocket that echoes every frame back; with {@code ?greet}, it speaks first: "welcome".</li>
 * </ul>
 */
public final class TestUpstream implements AutoCloseable {

    /** One request as the upstream saw it. */
    public record Received(String method, String uri, Map<String, String> headers, long bodyBytes, long atNanos) {
    }

    private final Vertx vertx = Vertx.vertx();
    private final int port = Ports.freePort("127.0.0.1");
    private final ConcurrentLinkedQueue<Received> received = new ConcurrentLinkedQueue<>();
    private HttpServer server;

    public int port() {
        return port;
    }

    public String url() {
        return "http://127.0.0.1:" + port;
    }

    public TestUpstream start() {
        server = vertx.createHttpServer()
                .webSocketHandler(socket -> {
                    received.add(new Received("WEBSOCKET", socket.uri(), lowerCase(socket.headers()), 0, System.nanoTime()));
                    if (socket.query() != null && socket.query().contains("greet")) {
                        socket.writeTextMessage("welcome");
                    }
                    socket.frameHandler(frame -> {
                        if (!frame.isClose()) {
                            socket.writeFrame(frame);
                        }
                    });
                })
                .requestHandler(this::handle);
        await(server.listen(port, "127.0.0.1").toCompletionStage().toCompletableFuture());
        return this;
    }

    /** Closes the listening socket: the gateway's connections get refused. */
    public void stop() {
        await(server.close().toCompletionStage().toCompletableFuture());
    }

    @Override
    public void close() {
        await(vertx.close().toCompletionStage().toCompletableFuture());
    }

    public List<Received> received() {
        return List.copyOf(received);
    }

    /** The requests whose URI starts with {@code prefix}. */
    public List<Received> received(String prefix) {
        return received.stream().filter(request -> request.uri().startsWith(prefix)).toList();
    }

    private void handle(HttpServerRequest request) {
        var digest = sha256();
        var length = new long[1];
        request.handler(chunk -> {
            length[0] += chunk.length();
            digest.update(chunk.getBytes());
        });
        request.endHandler(ended -> {
            var headers = lowerCase(request.headers());
            received.add(new Received(request.method().name(), request.uri(), headers, length[0], System.nanoTime()));
            var path = request.path();
            var response = request.response();
            if (path.startsWith("/status/")) {
                response.setStatusCode(Integer.parseInt(path.split("/")[2])).end("status");
            } else if (path.startsWith("/bytes/")) {
                var total = Long.parseLong(path.split("/")[2]);
                response.setChunked(true);
                var chunk = Buffer.buffer(new byte[64 * 1024]);
                for (long sent = 0; sent < total; sent += chunk.length()) {
                    response.write(sent + chunk.length() <= total ? chunk : chunk.slice(0, (int) (total - sent)));
                }
                response.end();
            } else if (path.startsWith("/slow/")) {
                vertx.setTimer(Long.parseLong(path.split("/")[2]), fired -> response.end("slow"));
            } else {
                response.putHeader("Content-Type", "application/json")
                        .putHeader("Connection", "keep-alive, X-Upstream-Private")
                        .putHeader("X-Upstream-Private", "hop-by-hop, must not reach the client")
                        .end(new JsonObject().put("method", request.method().name()).put("uri", request.uri())
                                .put("headers", new JsonObject(Map.copyOf(headers)))
                                .put("bodyBytes", length[0])
                                .put("bodySha256", HexFormat.of().formatHex(digest.digest())).encode());
            }
        });
    }

    private static Map<String, String> lowerCase(MultiMap headers) {
        return headers.entries().stream()
                .collect(Collectors.toMap(entry -> entry.getKey().toLowerCase(), Map.Entry::getValue, (a, b) -> a + "," + b));
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static <T> T await(CompletableFuture<T> future) {
        try {
            return future.get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
