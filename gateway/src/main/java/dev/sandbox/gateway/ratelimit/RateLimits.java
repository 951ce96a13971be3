package dev.sandbox.gateway.ratelimit;

import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import dev.sandbox.gateway.GatewayConfig;
import dev.sandbox.gateway.auth.Caller;
import dev.sandbox.gateway.routing.Route;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.ShutdownEvent;
import io.smallrye.mutiny.TimeoutException;
import io.smallrye.mutiny.Uni;
import io.vertx.redis.client.Redis;

/**
 * The limit of a request: the caller's tier on the route (the route may override the tier's
 * default), counted per route and per caller, by the route's algorithm, in Redis shared by every
 * gateway instance. When Redis does not answer within the timeout, the configured fail mode
 * decides, and says so in a metric and the log: never a hang.
 */
@ApplicationScoped
public class RateLimits {

    private static final Logger LOG = Logger.getLogger(RateLimits.class);

    private final RateLimitConfig config;
    private final Map<String, ? extends RouteLimits> routes;
    private final Map<Algorithm, RedisRateLimiter> limiters = new EnumMap<>(Algorithm.class);
    private final Map<Algorithm, LeasedRateLimiter> leased = new EnumMap<>(Algorithm.class);
    private final MeterRegistry metrics;
    /** Meters bound once, not built and looked up by their tags on every request: per algorithm, per route and outcome. */
    private final Map<Algorithm, Timer> latency = new EnumMap<>(Algorithm.class);
    private final ConcurrentHashMap<String, Counter[]> decisions = new ConcurrentHashMap<>();
    private final AtomicBoolean degraded = new AtomicBoolean();

    private final LoopConnections redis;

    public RateLimits(GatewayConfig gateway, Redis quarkusRedis, QuarkusRedisOptions redisOptions, MeterRegistry metrics) {
        this.config = gateway.rateLimit();
        this.routes = gateway.routes();
        this.redis = new LoopConnections(quarkusRedis, redisOptions);
        for (var algorithm : Algorithm.values()) {
            var limiter = new RedisRateLimiter(algorithm, redis);
            limiters.put(algorithm, limiter);
            leased.put(algorithm, new LeasedRateLimiter(limiter, config.lease().size(), config.lease().ttl()));
        }
        this.metrics = metrics;
        for (var algorithm : Algorithm.values()) {
            latency.put(algorithm, Timer.builder("gateway.ratelimit.latency").tag("algorithm", algorithm.id())
                    .description("Time to a limiter decision in Redis").register(metrics));
        }
    }

    void close(@Observes ShutdownEvent shutdown) {
        redis.close();
    }

    public RedisRateLimiter limiter(Algorithm algorithm) {
        return limiters.get(algorithm);
    }

    public Algorithm algorithm(Route route) {
        return own(route).flatMap(RouteLimits::algorithm).orElse(config.algorithm());
    }

    public RateLimitConfig.Mode mode(Route route) {
        return own(route).flatMap(RouteLimits::mode).orElse(config.mode());
    }

    public Uni<Decision> check(Route route, Caller caller) {
        var algorithm = algorithm(route);
        if (!config.enabled()) {
            return Uni.createFrom().item(record(route, algorithm, new Decision(Decision.Outcome.UNLIMITED, 0, 0, 0, 0)));
        }
        var limit = limit(route, caller, algorithm);
        var started = System.nanoTime();
        RateLimiter limiter = mode(route) == RateLimitConfig.Mode.LEASED ? leased.get(algorithm) : limiters.get(algorithm);
        return limiter.acquire(limit)
                .ifNoItem().after(config.timeout()).fail()
                .invoke(decision -> {
                    latency.get(algorithm).record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
                    if (degraded.compareAndSet(true, false)) {
                        LOG.info("rate limiter: Redis answers again, limits are enforced");
                    }
                })
                .onFailure().recoverWithItem(failure -> unavailable(limit, failure))
                .map(decision -> record(route, algorithm, decision));
    }

    private Decision unavailable(Limit limit, Throwable failure) {
        if (degraded.compareAndSet(false, true)) {
            LOG.warnf("rate limiter: Redis unavailable (%s); failing %s until it answers", describe(failure),
                    config.failMode() == RateLimitConfig.FailMode.OPEN ? "open (requests pass unlimited)" : "closed (requests refused)");
        }
        return config.failMode() == RateLimitConfig.FailMode.OPEN
                ? new Decision(Decision.Outcome.FAIL_OPEN, limit.limit(), limit.limit(), 0, 0)
                : new Decision(Decision.Outcome.FAIL_CLOSED, limit.limit(), 0, 1000, 1000);
    }

    private Decision record(Route route, Algorithm algorithm, Decision decision) {
        var counters = decisions.computeIfAbsent(route.name(), name -> new Counter[Decision.Outcome.values().length]);
        var outcome = decision.outcome();
        var counter = counters[outcome.ordinal()];
        if (counter == null) { // the first of its kind: registering twice in a race returns the same counter
            counter = Counter.builder("gateway.ratelimit.decisions")
                    .description("Limiter decisions, by route, algorithm and outcome")
                    .tag("route", route.name()).tag("algorithm", algorithm.id()).tag("outcome", outcome.id())
                    .register(metrics);
            counters[outcome.ordinal()] = counter;
        }
        counter.increment();
        return decision;
    }

    /**
     * Keys carry a Redis Cluster hash tag ({@code {...}}) so each limit lives on one shard, and the
     * algorithm, so that switching algorithms never reads another one's state.
     */
    Limit limit(Route route, Caller caller, Algorithm algorithm) {
        var tier = config.tiers().containsKey(caller.tier()) ? caller.tier() : Caller.ANONYMOUS_TIER;
        var tierConfig = config.tiers().get(tier);
        if (tierConfig == null) {
            throw new IllegalStateException("gateway.rate-limit.tiers." + Caller.ANONYMOUS_TIER + " is not configured");
        }
        var requests = own(route).map(limits -> limits.limits().get(tier)).orElse(tierConfig.limit());
        var key = "gateway:rl:{" + route.name() + ":" + caller.limitKey() + "}:" + algorithm.id();
        return new Limit(key, requests, tierConfig.window());
    }

    /** The route's own limiter settings, if the route table's configuration has it (every routed request's does). */
    private Optional<RouteLimits> own(Route route) {
        return Optional.ofNullable(routes.get(route.name()));
    }

    private static String describe(Throwable failure) {
        return failure instanceof TimeoutException ? "no answer within the timeout"
                : failure.getClass().getSimpleName() + ": " + failure.getMessage();
    }
}
