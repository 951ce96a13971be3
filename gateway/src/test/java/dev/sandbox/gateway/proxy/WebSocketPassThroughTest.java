package dev.sandbox.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import dev.sandbox.gateway.support.GatewayTestResource;
import dev.sandbox.gateway.support.TestKeys;
import dev.sandbox.infra.Component;
import dev.sandbox.infra.testing.RawHttp;
import dev.sandbox.infra.testing.WithInfrastructure;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** A WebSocket through the gateway reaches the upstream's, frames intact both ways; no token, no socket. */
@QuarkusTest
@WithInfrastructure({Component.REDIS})
@QuarkusTestResource(GatewayTestResource.class)
class WebSocketPassThroughTest {

    @Test
    void textAndBinaryFramesPassThroughBothWays() throws Exception {
        var messages = new LinkedBlockingQueue<Object>();
        var socket = connect("/api/test/ws", new WebSocket.Listener() {
            @Override
            public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                messages.add(data.toString());
                webSocket.request(1);
                return null;
            }

            @Override
            public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
                var bytes = new byte[data.remaining()];
                data.get(bytes);
                messages.add(bytes);
                webSocket.request(1);
                return null;
            }
        });

        socket.sendText("hello through the gateway", true).get(10, TimeUnit.SECONDS);
        assertThat(messages.poll(10, TimeUnit.SECONDS)).isEqualTo("hello through the gateway");
        socket.sendBinary(ByteBuffer.wrap(new byte[] {1, 2, 3}), true).get(10, TimeUnit.SECONDS);
        assertThat(messages.poll(10, TimeUnit.SECONDS)).isEqualTo(new byte[] {1, 2, 3});
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(10, TimeUnit.SECONDS);

        assertThat(GatewayTestResource.UPSTREAM.received("/ws")).isNotEmpty()
                .allMatch(request -> "user:alice".equals(request.headers().get("x-auth-subject")));
    }

    /**
     * A chat node sends its welcome the moment the socket opens: before the gateway has the client's socket.
     * Each socket is closed both ways before the next opens (the client reads the close the gateway carries
     * back from the upstream), so none is left open for the server to wait on when it stops.
     */
    @Test
    void aFrameTheUpstreamSendsOnOpenReachesTheClient() throws Exception {
        for (int attempt = 0; attempt < 20; attempt++) {
            var first = new CompletableFuture<String>();
            var closed = new CompletableFuture<Integer>();
            var socket = connect("/api/test/ws?greet", new WebSocket.Listener() {
                @Override
                public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                    first.complete(data.toString());
                    webSocket.request(1);
                    return null;
                }

                @Override
                public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
                    closed.complete(statusCode);
                    return null;
                }
            });

            assertThat(first).as("attempt " + attempt).succeedsWithin(Duration.ofSeconds(10)).isEqualTo("welcome");
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(10, TimeUnit.SECONDS);
            assertThat(closed).as("attempt " + attempt).succeedsWithin(Duration.ofSeconds(10)).isEqualTo(WebSocket.NORMAL_CLOSURE);
        }
    }

    /** alice's WebSocket through the gateway to the test upstream's {@code path}. */
    private static WebSocket connect(String path, WebSocket.Listener listener) throws Exception {
        return HttpClient.newHttpClient().newWebSocketBuilder()
                .header("Authorization", "Bearer " + TestKeys.token("alice", "test", "pro"))
                .connectTimeout(Duration.ofSeconds(10))
                .buildAsync(URI.create("ws://127.0.0.1:" + RawHttp.testPort() + path), listener).get(30, TimeUnit.SECONDS);
    }

    @Test
    void anUpgradeWithoutCredentialsIsRefused() {
        CompletableFuture<WebSocket> attempt = HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(URI.create("ws://127.0.0.1:" + RawHttp.testPort() + "/api/test/ws"), new WebSocket.Listener() {
                });
        assertThat(attempt).failsWithin(Duration.ofSeconds(30)).withThrowableOfType(ExecutionException.class)
                .havingCause().isInstanceOfSatisfying(WebSocketHandshakeException.class,
                        refused -> assertThat(refused.getResponse().statusCode()).isEqualTo(401));
    }
}
