package dev.sandbox.gateway.routing;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import io.smallrye.config.WithDefault;

/**
 * Where one route's requests go, from configuration only: nothing but what is listed is reachable.
 * Its keys are {@code gateway.routes.<name>.*} (the gateway's root mapping):
 *
 * <pre>
 * gateway.routes.orders.prefix=/api/orders
 * gateway.routes.orders.upstream-prefix=/orders
 * gateway.routes.orders.upstreams=http://orders-1:8081,http://orders-2:8081
 * gateway.routes.orders.timeout=5s
 * gateway.routes.orders.scopes=orders
 * </pre>
 */
public interface RouteConfig {

    /** The public path prefix, matched on whole segments: {@code /api/orders} matches {@code /api/orders/7}, not {@code /api/ordersX}. */
    String prefix();

    /** What replaces the prefix on the way upstream; the prefix itself when absent. */
    Optional<String> upstreamPrefix();

    /** Base URIs of the upstream instances, used in turn (round robin). */
    List<URI> upstreams();

    /** How long one attempt may wait for the upstream's response headers. */
    @WithDefault("10s")
    Duration timeout();

    /** Scopes the caller must hold (all of them); none means any authenticated caller. */
    Optional<Set<String>> scopes();

    /** Whether callers without credentials are let through (limited per client IP). */
    @WithDefault("false")
    boolean anonymous();
}
