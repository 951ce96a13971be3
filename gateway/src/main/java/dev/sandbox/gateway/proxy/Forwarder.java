package dev.sandbox.gateway.proxy;

import java.io.IOException;
import java.net.ConnectException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.faulttolerance.exceptions.BulkheadException;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.jboss.logging.Logger;

import dev.sandbox.common.context.NoPropagation;
import dev.sandbox.common.problem.ProblemException;
import dev.sandbox.common.work.Backoff;
import dev.sandbox.gateway.GatewayConfig;
import dev.sandbox.gateway.auth.UpstreamTokens;
import dev.sandbox.gateway.observability.Exchange;
import dev.sandbox.gateway.resilience.UpstreamGuards;
import dev.sandbox.gateway.resilience.UpstreamUnavailable;
import dev.sandbox.gateway.routing.Route;
import dev.sandbox.gateway.routing.RouteTable;
import dev.sandbox.gateway.routing.Upstream;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.CompositeException;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.RequestOptions;
import io.vertx.ext.web.RoutingContext;

/**
 * Forwards an HTTP request to the route's upstream instances and streams the answer back. Bodies
 * stream both ways with backpressure (a slow reader slows the writer; nothing is held whole in
 * memory), except the small body of an idempotent request, kept so it can be sent again, and an
 * answer of at most 64 KB with a declared length, relayed whole in one write.
 *
 * <p>Retries: only idempotent requests (GET, HEAD, or any request with an {@code Idempotency-Key}),
 * only after a transient failure (connection refused, 502, 503, 504; never a 4xx, never a timeout:
 * the route's timeout is the whole budget), each attempt to the next instance, after a backoff with
 * full jitter. Each attempt passes the instance's circuit breaker and bulkhead.
 */
@ApplicationScoped
public class Forwarder {

    private static final Logger LOG = Logger.getLogger(Forwarder.class);
    /** Answers up to this long, with a declared length, are relayed whole; longer ones stream. */
    private static final long WHOLE_ANSWER_LIMIT = 64 * 1024;

    private final RouteTable routes;
    private final UpstreamClients clients;
    private final UpstreamTokens tokens;
    private final UpstreamGuards guards;
    private final Vertx vertx;
    private final MeterRegistry metrics;
    private final Backoff backoff;
    private final int maxAttempts;
    private final long bufferLimit;
    private final long breakerDelaySeconds;

    public Forwarder(RouteTable routes, UpstreamClients clients, UpstreamGuards guards, Vertx vertx, MeterRegistry metrics,
            GatewayConfig gateway, UpstreamTokens tokens) {
        var config = gateway.resilience();
        this.tokens = tokens;
        this.routes = routes;
        this.clients = clients;
        this.guards = guards;
        this.vertx = vertx;
        this.metrics = metrics;
        this.backoff = new Backoff(config.retry().baseDelay(), config.retry().maxDelay());
        this.maxAttempts = Math.max(1, config.retry().maxAttempts());
        this.bufferLimit = config.retry().bufferLimit().asLongValue();
        this.breakerDelaySeconds = Math.max(1, config.breaker().delay().toSeconds());
    }

    /** How the request body travels: none, kept in memory (so it can be re-sent), or streamed once. */
    private sealed interface Body {
        record None() implements Body {
        }

        record Kept(Buffer bytes) implements Body {
        }

        record Streamed(long maxBytes) implements Body {
        }
    }

    public void forward(RoutingContext ctx, Exchange exchange, Route route, long maxBodyBytes, Consumer<Throwable> onError) {
        var request = ctx.request();
        var length = ProxyHandler.contentLength(request.headers());
        var chunked = request.headers().contains("Transfer-Encoding");
        var idempotent = request.method() == HttpMethod.GET || request.method() == HttpMethod.HEAD
                || request.headers().contains("Idempotency-Key");
        Future<Body> body;
        boolean retryable;
        if (!chunked && length <= 0) {
            body = Future.succeededFuture(new Body.None());
            retryable = idempotent;
        } else if (idempotent && !chunked && length <= bufferLimit) {
            body = request.body().map(Body.Kept::new);
            request.resume(); // paused since the handler began; body() has its handlers in place now
            retryable = true;
        } else {
            body = Future.succeededFuture(new Body.Streamed(maxBodyBytes));
            retryable = false;
        }
        var attempts = retryable ? maxAttempts : 1;
        // Without context propagation: every step runs on the request's own context (the HTTP client
        // answers on the context that sent the request, a retry's timer fires on it), which holds the trace.
        NoPropagation.assemble(() -> Uni.createFrom().completionStage(body.toCompletionStage())
                .chain(prepared -> attempt(ctx, exchange, route, prepared, attempts, 1))
                .subscribe().with(response -> relay(ctx, response), failure -> {
                    // The last attempt's 502/503/504 is the upstream's own answer: relayed as it is.
                    if (failure instanceof UpstreamUnavailable unavailable && unavailable.response() != null) {
                        relay(ctx, unavailable.response());
                    } else {
                        onError.accept(failure);
                    }
                }));
    }

    private Uni<HttpClientResponse> attempt(RoutingContext ctx, Exchange exchange, Route route, Body body, int attempts, int attempt) {
        var upstream = routes.next(route);
        exchange.attempt(upstream);
        return guards.call(upstream, () -> send(ctx, exchange, route, upstream, body))
                .onFailure(UpstreamUnavailable.class).recoverWithUni(failure -> {
                    if (attempt >= attempts) {
                        return Uni.createFrom().failure(failure);
                    }
                    discard(((UpstreamUnavailable) failure).response());
                    Counter.builder("gateway.upstream.retries").description("Retries of idempotent requests, by route")
                            .tag("route", route.name()).register(metrics).increment();
                    var delay = backoff.delay(attempt, ThreadLocalRandom.current()).toMillis();
                    return sleep(delay).chain(() -> attempt(ctx, exchange, route, body, attempts, attempt + 1));
                });
    }

    private Uni<HttpClientResponse> send(RoutingContext ctx, Exchange exchange, Route route, Upstream upstream, Body body) {
        var request = ctx.request();
        var options = new RequestOptions()
                .setMethod(request.method())
                .setHost(upstream.host())
                .setPort(upstream.port())
                .setURI(route.upstreamUri(request.path(), request.query()))
                .setHeaders(ForwardedHeaders.upstreamRequest(request, route, exchange.caller(), exchange.requestId(), false,
                        tokens.authorization(exchange.caller())))
                // No data for this long (response headers, or the next piece of the body): give up.
                .setIdleTimeout(route.timeout().toMillis());
        var sent = clients.http().request(options).compose(out -> switch (body) {
            case Body.None none -> out.send();
            case Body.Kept kept -> out.send(kept.bytes());
            case Body.Streamed streamed -> stream(request, out, streamed.maxBytes());
        }).<HttpClientResponse>compose(response -> {
            // Paused before any of the body arrives: it is relayed, or discarded before a retry.
            response.pause();
            if (UpstreamUnavailable.isTransientStatus(response.statusCode())) {
                return Future.failedFuture(new UpstreamUnavailable(upstream.id() + " answered " + response.statusCode(), null, response));
            }
            return Future.succeededFuture(response);
        }).recover(failure -> Future.failedFuture(isConnectFailure(failure)
                ? new UpstreamUnavailable(upstream.id() + " is unreachable: " + failure.getMessage(), failure, null)
                : failure));
        return Uni.createFrom().completionStage(sent.toCompletionStage());
    }

    /**
     * Streams the client's body to the upstream with backpressure, counting bytes: a chunked body
     * that outgrows the limit aborts the upstream request (the upstream sees a reset, not a complete
     * request) and the client gets a 413.
     */
    private static Future<HttpClientResponse> stream(HttpServerRequest in, HttpClientRequest out, long maxBytes) {
        if (ProxyHandler.contentLength(in.headers()) < 0) {
            out.setChunked(true);
        }
        var received = new long[1];
        in.handler(chunk -> {
            received[0] += chunk.length();
            if (received[0] > maxBytes) {
                in.handler(null);
                out.reset();
                return;
            }
            out.write(chunk);
            if (out.writeQueueFull()) {
                in.pause();
                out.drainHandler(drained -> in.resume());
            }
        });
        in.endHandler(ended -> out.end());
        in.exceptionHandler(failure -> out.reset(0, failure));
        in.resume();
        return out.response().recover(failure -> Future.failedFuture(received[0] > maxBytes ? ProxyHandler.bodyTooLarge(maxBytes) : failure));
    }

    private void relay(RoutingContext ctx, HttpClientResponse response) {
        var out = ctx.response();
        out.setStatusCode(response.statusCode());
        out.setStatusMessage(response.statusMessage());
        ForwardedHeaders.copyResponse(response.headers(), out.headers());
        var length = ProxyHandler.contentLength(response.headers());
        if (!response.headers().contains("Content-Length") && ctx.request().method() != HttpMethod.HEAD) {
            out.setChunked(true);
        }
        if (length >= 0 && length <= WHOLE_ANSWER_LIMIT && ctx.request().method() != HttpMethod.HEAD) {
            // A small answer of known length (most API answers): read whole, then written with its head in one
            // write and one flush. Piping it would write the head with the first piece and the end apart.
            response.body().onComplete(out::end, failure -> out.reset());
            response.resume(); // paused since its head arrived; body() has its handlers in place now
            return;
        }
        // Streams with backpressure; if the upstream dies mid-body, the client's response is reset, not completed.
        response.pipeTo(out).onFailure(failure -> out.reset());
    }

    private static void discard(HttpClientResponse response) {
        if (response != null) {
            response.handler(null).resume();
        }
    }

    private Uni<Void> sleep(long millis) {
        if (millis <= 0) {
            return Uni.createFrom().voidItem();
        }
        return Uni.createFrom().emitter(emitter -> vertx.setTimer(millis, fired -> emitter.complete(null)));
    }

    private static boolean isConnectFailure(Throwable failure) {
        return failure instanceof ConnectException || failure.getCause() instanceof ConnectException;
    }

    /** The answer for a failure of the forwarding itself. */
    ProblemException problem(Throwable failure) {
        Throwable cause = failure;
        if (cause instanceof CompositeException composite) {
            cause = composite.getCauses().getFirst();
        }
        return switch (cause) {
            case ProblemException known -> known;
            case UpstreamUnavailable unreachable -> new ProblemException(502, "upstream-unreachable", "Upstream unreachable",
                    "No instance of the upstream accepted the connection.");
            case CircuitBreakerOpenException open -> new ProblemException(503, "circuit-open", "Upstream circuit open",
                    "The upstream failed repeatedly; calls are paused to let it recover.", List.of(),
                    Map.of("Retry-After", String.valueOf(breakerDelaySeconds)));
            case BulkheadException full -> new ProblemException(503, "upstream-saturated", "Upstream saturated",
                    "Too many requests are in flight to the upstream.", List.of(), Map.of("Retry-After", "1"));
            case TimeoutException timeout -> new ProblemException(504, "upstream-timeout", "Upstream timeout",
                    "The upstream did not answer within the route's timeout.");
            case IOException closed -> upstreamFailed();
            case VertxException closed -> upstreamFailed();
            // Anything else is our bug: a 500 with the trace id, the details in the log only.
            default -> {
                LOG.errorf(cause, "unexpected failure (trace %s)", dev.sandbox.common.problem.Problem.currentTraceId());
                yield new ProblemException(500, "internal", "Internal error",
                        "The request failed on our side; quote the trace id when reporting it.");
            }
        };
    }

    private static ProblemException upstreamFailed() {
        return new ProblemException(502, "upstream-failed", "Upstream failed",
                "The upstream connection failed before the response was complete.");
    }
}
