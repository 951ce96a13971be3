package dev.sandbox.gateway.ratelimit;

import java.util.Map;
import java.util.Optional;

/**
 * How one route is limited: the limiter's own keys beside the route's routing, under
 * {@code gateway.routes.<name>.*} ({@code algorithm=token-bucket}, {@code mode=leased}, {@code limits.free=10}).
 */
public interface RouteLimits {

    /** The limiter algorithm for this route; the gateway-wide one when absent. */
    Optional<Algorithm> algorithm();

    /** Exact or leased decisions for this route; the gateway-wide mode when absent. */
    Optional<RateLimitConfig.Mode> mode();

    /** Requests per tier window, per tier, overriding the tier's default for this route. */
    Map<String, Integer> limits();
}
