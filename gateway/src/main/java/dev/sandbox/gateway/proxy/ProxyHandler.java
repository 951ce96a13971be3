package dev.sandbox.gateway.proxy;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.sandbox.common.context.NoPropagation;
import dev.sandbox.common.problem.Problem;
import dev.sandbox.common.problem.ProblemException;
import dev.sandbox.gateway.auth.Authenticator;
import dev.sandbox.gateway.observability.AccessLog;
import dev.sandbox.gateway.observability.Exchange;
import dev.sandbox.gateway.ratelimit.Decision;
import dev.sandbox.gateway.ratelimit.RateLimits;
import dev.sandbox.gateway.routing.Route;
import dev.sandbox.gateway.routing.RouteTable;
import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.impl.ContextInternal;
import io.vertx.ext.web.RoutingContext;

/**
 * One request through the gateway, in the order a whiteboard draws it: find the route,
 * authenticate and authorize the caller, take a slot of its rate limit, then forward (HTTP) or
 * splice (WebSocket) to an upstream instance. Each step that says no answers with problem+json;
 * nothing reads the request body before the last step, so refused requests cost no upload.
 */
@ApplicationScoped
public class ProxyHandler implements Handler<RoutingContext> {

    private static final Pattern REQUEST_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

    private final RouteTable routes;
    private final Authenticator authenticator;
    private final RateLimits rateLimits;
    private final Forwarder forwarder;
    private final WebSocketTunnel tunnel;
    private final AccessLog accessLog;
    private final ObjectMapper json;
    private final long maxBodyBytes;

    public ProxyHandler(RouteTable routes, Authenticator authenticator, RateLimits rateLimits, Forwarder forwarder,
            WebSocketTunnel tunnel, AccessLog accessLog, ObjectMapper json,
            @ConfigProperty(name = "quarkus.http.limits.max-body-size", defaultValue = "10M") MemorySize maxBody) {
        this.routes = routes;
        this.authenticator = authenticator;
        this.rateLimits = rateLimits;
        this.forwarder = forwarder;
        this.tunnel = tunnel;
        this.accessLog = accessLog;
        this.json = json;
        this.maxBodyBytes = maxBody.asLongValue();
    }

    @Override
    public void handle(RoutingContext ctx) {
        var request = ctx.request();
        // Nothing reads the body until the request is let through: it waits in the socket.
        request.pause();
        var exchange = new Exchange(requestId(request.getHeader(ForwardedHeaders.REQUEST_ID)), Problem.currentTraceId());
        ctx.response().putHeader(ForwardedHeaders.REQUEST_ID, exchange.requestId());
        ctx.addEndHandler(ended -> accessLog.record(request, ctx.response().getStatusCode(), exchange));

        var route = routes.match(request.path()).orElse(null);
        if (route == null) {
            fail(ctx, exchange, new ProblemException(404, "no-route", "No route", "No route serves " + request.path() + "."));
            return;
        }
        exchange.route(route);
        var declaredLength = contentLength(request.headers());
        if (declaredLength > maxBodyBytes) {
            fail(ctx, exchange, bodyTooLarge(maxBodyBytes));
            return;
        }
        var clientIp = request.remoteAddress().hostAddress();
        // Assembled without context propagation (see NoPropagation): nothing in these steps needs the
        // contexts Quarkus would capture and restore around each callback. What the next step needs is
        // the request's own Vert.x context, which holds its trace: the limiter's answer arrives on the
        // Redis connection's context (the same event loop), so the outcome is handed back to the
        // request's context, at once when on its loop, and the upstream call starts from there.
        var own = (ContextInternal) Vertx.currentContext();
        NoPropagation.assemble(() -> authenticator.authorize(route, request.getHeader("Authorization"),
                        request.getHeader(Authenticator.API_KEY_HEADER), clientIp)
                .invoke(caller -> exchange.caller(caller))
                .chain(caller -> rateLimits.check(route, caller))
                .subscribe().with(decision -> own.emit(decision, admitted -> admit(ctx, exchange, route, admitted)),
                        failure -> own.emit(failure, refused -> fail(ctx, exchange, refused))));
    }

    private void admit(RoutingContext ctx, Exchange exchange, Route route, Decision decision) {
        exchange.decision(decision);
        var headers = ctx.response().headers();
        if (decision.outcome() == Decision.Outcome.ALLOWED || decision.outcome() == Decision.Outcome.REJECTED) {
            headers.set("RateLimit-Limit", String.valueOf(decision.limit()));
            headers.set("RateLimit-Remaining", String.valueOf(decision.remaining()));
            headers.set("RateLimit-Reset", String.valueOf(decision.resetSeconds()));
        }
        switch (decision.outcome()) {
            case REJECTED -> fail(ctx, exchange, new ProblemException(429, "rate-limited", "Too many requests",
                    "The limit of " + decision.limit() + " requests per window for this route is used up.", List.of(),
                    Map.of("Retry-After", String.valueOf(decision.retryAfterSeconds()))));
            case FAIL_CLOSED -> fail(ctx, exchange, new ProblemException(503, "rate-limiter-unavailable",
                    "Rate limiter unavailable", "Limits cannot be checked right now and this gateway fails closed.",
                    List.of(), Map.of("Retry-After", String.valueOf(decision.retryAfterSeconds()))));
            default -> {
                if (isWebSocketUpgrade(ctx.request().headers())) {
                    tunnel.splice(ctx, exchange, route, error -> fail(ctx, exchange, error));
                } else {
                    forwarder.forward(ctx, exchange, route, maxBodyBytes, error -> fail(ctx, exchange, error));
                }
            }
        }
    }

    /** Answers with the problem a failure stands for; anything unforeseen is a 500 with the trace id, no internals. */
    private void fail(RoutingContext ctx, Exchange exchange, Throwable failure) {
        var problem = failure instanceof ProblemException known ? known : forwarder.problem(failure);
        exchange.error(problem.problem().type().toString());
        ProblemWriter.write(ctx, json, problem);
    }

    static ProblemException bodyTooLarge(long limit) {
        return new ProblemException(413, "body-too-large", "Request body too large",
                "The body exceeds the limit of " + limit + " bytes.");
    }

    private static boolean isWebSocketUpgrade(MultiMap headers) {
        return "websocket".equalsIgnoreCase(headers.get("Upgrade"));
    }

    /** The declared body length, -1 when none is declared (no body, or chunked). */
    static long contentLength(MultiMap headers) {
        var value = headers.get("Content-Length");
        if (value == null) {
            return -1;
        }
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return -1; // the HTTP codec already refused a malformed one; stay safe
        }
    }

    /**
     * The client's request id when it is a sane token, a new one otherwise (never echo arbitrary input into logs).
     * A correlation id needs to be unique, not unguessable: 122 random bits from the thread's own generator,
     * not the contended SecureRandom behind {@code UUID.randomUUID()}.
     */
    private static String requestId(String given) {
        if (given != null && REQUEST_ID.matcher(given).matches()) {
            return given;
        }
        var random = ThreadLocalRandom.current();
        var msb = random.nextLong() & ~0xF000L | 0x4000L; // version 4
        var lsb = random.nextLong() & ~(0xC0L << 56) | (0x80L << 56); // IETF variant
        return new UUID(msb, lsb).toString();
    }
}
