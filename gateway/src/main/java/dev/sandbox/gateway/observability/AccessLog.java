package dev.sandbox.gateway.observability;

import java.util.LinkedHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.http.HttpServerRequest;

/**
 * One JSON line per request on the {@code gateway.access} logger (trace id, route, upstream,
 * status, latency, limiter decision), and the {@code gateway.requests} timer tagged by route,
 * status and upstream: the two views of the same facts.
 */
@ApplicationScoped
public class AccessLog {

    private static final Logger LOG = Logger.getLogger("gateway.access");

    private final ObjectMapper json;
    private final MeterRegistry metrics;
    /** The timers already registered: a lookup per request instead of building and resolving tags. */
    private final ConcurrentHashMap<TimerKey, Timer> timers = new ConcurrentHashMap<>();

    public AccessLog(ObjectMapper json, MeterRegistry metrics) {
        this.json = json;
        this.metrics = metrics;
    }

    public void record(HttpServerRequest request, int status, Exchange exchange) {
        var nanos = System.nanoTime() - exchange.startNanos();
        var route = exchange.route() == null ? "none" : exchange.route().name();
        var upstream = exchange.upstream() == null ? "none" : exchange.upstream().id();
        timers.computeIfAbsent(new TimerKey(route, status, upstream), this::timer).record(nanos, TimeUnit.NANOSECONDS);
        if (!LOG.isInfoEnabled()) {
            return;
        }
        var line = new LinkedHashMap<String, Object>();
        line.put("traceId", exchange.traceId());
        line.put("requestId", exchange.requestId());
        line.put("client", request.remoteAddress() == null ? null : request.remoteAddress().hostAddress());
        line.put("method", request.method().name());
        line.put("path", request.path());
        line.put("route", route);
        line.put("upstream", upstream);
        line.put("attempts", exchange.attempts());
        line.put("status", status);
        line.put("latencyMs", nanos / 1_000_000.0);
        line.put("caller", exchange.caller() == null ? null : exchange.caller().limitKey());
        line.put("limiter", exchange.decision() == null ? null : exchange.decision().outcome().id());
        line.put("error", exchange.error());
        try {
            LOG.info(json.writeValueAsString(line));
        } catch (JsonProcessingException e) {
            LOG.warn("unwritable access log line", e);
        }
    }

    private Timer timer(TimerKey key) {
        return Timer.builder("gateway.requests")
                .description("Requests through the gateway, by route, status and upstream")
                .tag("route", key.route()).tag("status", String.valueOf(key.status())).tag("upstream", key.upstream())
                .publishPercentileHistogram()
                .register(metrics);
    }

    /** Routes and upstreams come from configuration, statuses are three digits: the set stays small. */
    private record TimerKey(String route, int status, String upstream) {
    }
}
