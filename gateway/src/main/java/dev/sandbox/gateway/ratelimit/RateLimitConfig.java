package dev.sandbox.gateway.ratelimit;

import java.time.Duration;
import java.util.Map;

import io.smallrye.config.WithDefault;

/** The limiter, gateway-wide: {@code gateway.rate-limit.*} (a group of the gateway's root mapping). A route may choose its own algorithm and limits ({@link RouteLimits}). */
public interface RateLimitConfig {

    @WithDefault("true")
    boolean enabled();

    /** fixed-window, sliding-log, sliding-window-counter or token-bucket; a route may choose its own. */
    @WithDefault("sliding-window-counter")
    Algorithm algorithm();

    /**
     * exact: every request is one decision in Redis. leased: an instance takes {@link Lease#size()}
     * permits at once and spends them locally (fewer Redis calls; near the limit, permits leased by one
     * instance may make another refuse early). A route may choose its own.
     */
    @WithDefault("exact")
    Mode mode();

    /** The batches of the leased mode. */
    Lease lease();

    /** What to do when Redis does not answer in time: let requests through (open) or refuse them (closed). */
    @WithDefault("open")
    FailMode failMode();

    /** How long a decision may take before Redis counts as unavailable. */
    @WithDefault("100ms")
    Duration timeout();

    /** The tiers: requests per window. A caller's tier comes from its token or API key; no credentials: anonymous. */
    Map<String, Tier> tiers();

    interface Tier {
        int limit();

        @WithDefault("1m")
        Duration window();
    }

    interface Lease {
        /** Permits taken from Redis at once: at most this many per instance may go unspent. */
        @WithDefault("10")
        int size();

        /** How long an instance may hold permits it has not spent (never past the window they were counted in). */
        @WithDefault("1s")
        Duration ttl();
    }

    enum Mode {
        EXACT, LEASED
    }

    enum FailMode {
        OPEN, CLOSED
    }
}
