package dev.sandbox.gateway.routing;

import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * One configured route: a public path prefix served by one or more upstream instances. How it is
 * limited is the limiter's business ({@code RouteLimits}, read by route name).
 */
public record Route(String name, String prefix, String upstreamPrefix, List<Upstream> upstreams, Duration timeout,
        Set<String> scopes, boolean anonymous) {

    public Route {
        upstreams = List.copyOf(upstreams);
        scopes = Set.copyOf(scopes);
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
