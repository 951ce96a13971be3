package dev.sandbox.gateway.routing;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One configured route: a public path prefix served by one or more upstream instances.
 *
 * @param algorithm the limiter algorithm of this route, or empty for the gateway-wide one
 * @param limits    per-tier request limits overriding the tiers' defaults
 */
public record Route(String name, String prefix, String upstreamPrefix, List<Upstream> upstreams, Duration timeout,
        Set<String> scopes, boolean anonymous, Optional<String> algorithm, Map<String, Integer> limits) {

    public Route {
        upstreams = List.copyOf(upstreams);
        scopes = Set.copyOf(scopes);
        limits = Map.copyOf(limits);
    }

    /** Whether {@code path} is under this route's prefix, on a segment boundary. */
    boolean matches(String path) {
        return path.equals(prefix) || path.startsWith(prefix) && path.charAt(prefix.length()) == '/';
    }

    /** The upstream path for a public one: {@code /api/orders/7?x=1} becomes {@code /orders/7?x=1}. */
    public String upstreamUri(String path, String query) {
        var rest = path.substring(prefix.length());
        var upstreamPath = ("/".equals(upstreamPrefix) ? "" : upstreamPrefix) + rest;
        if (upstreamPath.isEmpty()) {
            upstreamPath = "/";
        }
        return query == null || query.isEmpty() ? upstreamPath : upstreamPath + "?" + query;
    }
}
