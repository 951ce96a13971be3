package dev.sandbox.gateway.resilience;

import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.util.TypeLiteral;

import org.jboss.logging.Logger;

import dev.sandbox.gateway.GatewayConfig;
import dev.sandbox.gateway.routing.Upstream;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.faulttolerance.api.TypedGuard;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientResponse;

/**
 * A circuit breaker and a bulkhead per upstream instance, from SmallRye Fault Tolerance's
 * programmatic API: the annotations would give one breaker per method, shared by every upstream,
 * so one dead instance would cut traffic to the healthy ones too. Only {@link UpstreamUnavailable}
 * and timeouts count as failures: a 4xx or a 500 is the upstream answering, not the upstream being down.
 *
 * <p>The guard hands nothing to another thread: the call starts on the caller's thread and its outcome
 * passes the breaker and the bulkhead on the thread that completes it.
 */
@ApplicationScoped
public class UpstreamGuards {

    private static final Logger LOG = Logger.getLogger(UpstreamGuards.class);
    private static final TypeLiteral<Uni<HttpClientResponse>> RESPONSE = new TypeLiteral<>() {
    };

    private final ResilienceConfig config;
    private final MeterRegistry metrics;
    private final ConcurrentHashMap<String, TypedGuard<Uni<HttpClientResponse>>> guards = new ConcurrentHashMap<>();

    public UpstreamGuards(GatewayConfig config, MeterRegistry metrics) {
        this.config = config.resilience();
        this.metrics = metrics;
    }

    /** Runs {@code call} through the upstream's breaker and bulkhead, on the caller's Vert.x context. */
    public Uni<HttpClientResponse> call(Upstream upstream, Supplier<Uni<HttpClientResponse>> call) {
        var guard = guards.computeIfAbsent(upstream.id(), id -> create(upstream));
        var caller = Vertx.currentContext();
        return Uni.createFrom().deferred(() -> guard.get(() -> onContext(caller, call)));
    }

    /**
     * A call the bulkhead queued starts when another call frees its slot, on that call's thread: it is
     * sent back to its own request's context (its loop, its trace), the only case that crosses threads.
     */
    private static Uni<HttpClientResponse> onContext(Context caller, Supplier<Uni<HttpClientResponse>> call) {
        if (caller == null || Vertx.currentContext() == caller) {
            return call.get();
        }
        return Uni.createFrom().deferred(call::get).runSubscriptionOn(task -> caller.runOnContext(ignored -> task.run()));
    }

    private TypedGuard<Uni<HttpClientResponse>> create(Upstream upstream) {
        var breaker = config.breaker();
        var state = new AtomicInteger();
        Gauge.builder("gateway.upstream.circuit.state", state, AtomicInteger::get)
                .description("Circuit breaker of an upstream instance: 0 closed, 1 half-open, 2 open")
                .tag("upstream", upstream.id()).register(metrics);
        return TypedGuard.create(RESPONSE)
                .withDescription("upstream " + upstream.id())
                .withCircuitBreaker()
                    .name("upstream-" + upstream.id())
                    .failOn(List.of(UpstreamUnavailable.class, TimeoutException.class))
                    .requestVolumeThreshold(breaker.requestVolume())
                    .failureRatio(breaker.failureRatio())
                    .delay(breaker.delay().toMillis(), ChronoUnit.MILLIS)
                    .successThreshold(breaker.successThreshold())
                    .onStateChange(newState -> {
                        state.set(switch (newState) {
                            case CLOSED -> 0;
                            case HALF_OPEN -> 1;
                            case OPEN -> 2;
                        });
                        LOG.infof("circuit breaker of upstream %s is %s", upstream.id(), newState);
                    })
                    .done()
                .withBulkhead()
                    .limit(config.bulkhead().limit())
                    .queueSize(config.bulkhead().queue())
                    .done()
                // Everything here is non-blocking. Without offload, SmallRye remembers the caller's event
                // loop and runs the call, then its outcome, as two tasks queued to that loop (Vert.x'
                // runOnContext never runs inline). "Offloading" to the caller's own thread runs the call
                // at once and completes it on the thread the answer arrives on: the request's own loop.
                .withThreadOffload(true)
                .withThreadOffloadExecutor(Runnable::run)
                .build();
    }
}
