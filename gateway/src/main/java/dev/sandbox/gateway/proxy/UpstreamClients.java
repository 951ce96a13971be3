package dev.sandbox.gateway.proxy;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.tracing.TracingPolicy;

import dev.sandbox.gateway.GatewayConfig;

/**
 * The Vert.x clients the gateway talks to upstreams with: non-blocking, pooled keep-alive
 * connections per upstream instance, on Quarkus' own Vert.x, so that OpenTelemetry makes a client
 * span for each upstream call and injects its {@code traceparent}.
 *
 * <p>One client serves every event loop without handing answers between them: its pool opens a
 * connection on the event loop of the request that needs it, and gives a request a free connection of
 * its own loop before any other (another loop's only when the pool is full), so an upstream call is
 * written and answered on the request's own thread. {@code gateway.upstream.pool-size} is shared by the loops.
 */
@ApplicationScoped
public class UpstreamClients {

    private final HttpClient http;
    private final WebSocketClient webSockets;

    public UpstreamClients(Vertx vertx, GatewayConfig config) {
        var connectTimeout = config.upstream().connectTimeout();
        var poolSize = config.upstream().poolSize();
        var options = new HttpClientOptions()
                .setConnectTimeout((int) connectTimeout.toMillis())
                .setKeepAlive(true)
                // Bodies pass through as the upstream encoded them.
                .setDecompressionSupported(false)
                .setTracingPolicy(TracingPolicy.PROPAGATE);
        this.http = vertx.createHttpClient(options, new PoolOptions().setHttp1MaxSize(poolSize));
        this.webSockets = vertx.createWebSocketClient(new WebSocketClientOptions()
                .setConnectTimeout((int) connectTimeout.toMillis()));
    }

    public HttpClient http() {
        return http;
    }

    public WebSocketClient webSockets() {
        return webSockets;
    }

    @PreDestroy
    void close() {
        http.close();
        webSockets.close();
    }
}
