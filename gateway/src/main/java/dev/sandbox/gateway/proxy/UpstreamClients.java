package dev.sandbox.gateway.proxy;

import java.util.concurrent.ConcurrentHashMap;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import io.netty.channel.EventLoop;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.impl.ContextInternal;
import io.vertx.core.impl.VertxInternal;
import io.vertx.core.tracing.TracingPolicy;

import dev.sandbox.gateway.GatewayConfig;

/**
 * The Vert.x clients the gateway talks to upstreams with: non-blocking, pooled keep-alive
 * connections per upstream instance, on Quarkus' own Vert.x, so that OpenTelemetry makes a client
 * span for each upstream call and injects its {@code traceparent}.
 *
 * <p>One HTTP client per event loop, used only by the requests of that loop: an upstream call is
 * written and answered on the request's own thread. A single client shared by the loops opens each
 * connection on the loop of the request that needs it, but then lends a free connection to whichever
 * loop asks: under load about one call in three went out on another loop's connection, and its
 * request, answer, body and end were each handed between the two threads as a task.
 * {@code gateway.upstream.pool-size} is shared by the loops: each loop's pool holds its part of it.
 * A call from a thread that is no event loop (none on the request path) uses a client of its own.
 */
@ApplicationScoped
public class UpstreamClients {

    private final Vertx vertx;
    private final HttpClientOptions options;
    private final PoolOptions loopPool;
    private final HttpClient shared;
    private final ConcurrentHashMap<EventLoop, HttpClient> byLoop = new ConcurrentHashMap<>();
    private final WebSocketClient webSockets;

    public UpstreamClients(Vertx vertx, GatewayConfig config) {
        var connectTimeout = config.upstream().connectTimeout();
        var poolSize = config.upstream().poolSize();
        this.vertx = vertx;
        this.options = new HttpClientOptions()
                .setConnectTimeout((int) connectTimeout.toMillis())
                .setKeepAlive(true)
                // Bodies pass through as the upstream encoded them.
                .setDecompressionSupported(false)
                .setTracingPolicy(TracingPolicy.PROPAGATE);
        var loops = 0;
        for (var ignored : ((VertxInternal) vertx).nettyEventLoopGroup()) {
            loops++;
        }
        this.loopPool = new PoolOptions().setHttp1MaxSize(Math.max(1, (poolSize + loops - 1) / Math.max(1, loops)));
        this.shared = vertx.createHttpClient(options, new PoolOptions().setHttp1MaxSize(poolSize));
        this.webSockets = vertx.createWebSocketClient(new WebSocketClientOptions()
                .setConnectTimeout((int) connectTimeout.toMillis()));
    }

    /** The client of the calling event loop. */
    public HttpClient http() {
        var context = Vertx.currentContext();
        if (context == null || !context.isEventLoopContext() || !Context.isOnEventLoopThread()) {
            return shared;
        }
        return byLoop.computeIfAbsent(((ContextInternal) context).nettyEventLoop(),
                loop -> vertx.createHttpClient(options, loopPool));
    }

    public WebSocketClient webSockets() {
        return webSockets;
    }

    @PreDestroy
    void close() {
        byLoop.values().forEach(HttpClient::close);
        shared.close();
        webSockets.close();
    }
}
