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

    enum FailMode {
        OPEN, CLOSED
    }
}
