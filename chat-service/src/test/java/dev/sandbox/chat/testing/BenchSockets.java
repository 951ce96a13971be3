package dev.sandbox.chat.testing;

import java.net.URI;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;

/**
 * The benchmark's websocket clients: every connection on one Vert.x event loop, each frame handled on
 * the thread that read it, and parsed only by the connections whose arrivals are measured.
 *
 * <p>Why not {@link WsClient}: the bench's clients share the two cores with the nodes they measure,
 * so what they spend is taken from the path under test. The JDK's client hands every frame from its
 * selector thread to an executor and {@code WsClient} keeps and parses every frame; with ten members
 * that was about a millisecond of CPU per chat message in the test JVM, a third of the whole path's.
 * A member of a real room reads on its own machine.
 */
public final class BenchSockets implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1)
            .setInternalBlockingPoolSize(1));
    private final WebSocketClient client = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(10_000));

    /**
     * A connection to {@code uri}. It reads every frame; the arrival times of the frames whose type is
     * one of {@code recorded} are kept, for {@link Socket#arrival}.
     */
    public Socket connect(URI uri, Set<String> recorded) {
        var socket = new Socket(recorded);
        var options = new WebSocketConnectOptions().setAbsoluteURI(uri.toString());
        // The handler first: the welcome frame may arrive as soon as the upgrade is answered.
        socket.ws = client.webSocket().textMessageHandler(socket::onText);
        socket.ws.connect(options).toCompletionStage().toCompletableFuture().orTimeout(10, TimeUnit.SECONDS).join();
        return socket;
    }

    @Override
    public void close() {
        vertx.close().toCompletionStage().toCompletableFuture().orTimeout(10, TimeUnit.SECONDS).join();
    }

    /** One member's connection. */
    public static final class Socket {

        private final Set<String> recorded;
        /** By "type clientMsgId": when it arrived ({@link System#nanoTime}), completed on the event loop. */
        private final Map<String, CompletableFuture<Long>> arrivals = new ConcurrentHashMap<>();
        private ClientWebSocket ws;

        private Socket(Set<String> recorded) {
            this.recorded = recorded;
        }

        private void onText(String text) {
            if (recorded.isEmpty()) {
                return;
            }
            var arrived = System.nanoTime();
            try {
                var frame = JSON.readTree(text);
                var type = frame.path("type").asText();
                if (recorded.contains(type)) {
                    future(type, frame.path("clientMsgId").asText()).complete(arrived);
                }
            } catch (Exception e) {
                throw new IllegalStateException("not a JSON frame: " + text, e);
            }
        }

        private CompletableFuture<Long> future(String type, String clientMsgId) {
            return arrivals.computeIfAbsent(type + " " + clientMsgId, key -> new CompletableFuture<>());
        }

        /** Sends {@code frame} (written by the event loop). */
        public void send(String frame) {
            ws.writeTextMessage(frame);
        }

        /**
         * When the frame of {@code type} (one of the recorded) with {@code clientMsgId} ("" for none)
         * arrived, by {@link System#nanoTime}; waits up to 15 s for it.
         */
        public long arrival(String type, String clientMsgId) {
            var key = type + " " + clientMsgId;
            try {
                return future(type, clientMsgId).get(15, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new AssertionError("no " + key + " frame within 15 s", e);
            } finally {
                arrivals.remove(key);
            }
        }
    }
}
