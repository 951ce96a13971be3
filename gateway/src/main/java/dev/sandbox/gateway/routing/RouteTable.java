package dev.sandbox.gateway.routing;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;

import dev.sandbox.gateway.GatewayConfig;

/**
 * Picks the route of a request path (the longest matching prefix) and, for each attempt, the next
 * upstream instance of that route in turn. Paths that could climb out of a route once normalised
 * somewhere downstream ({@code ..}, encoded slashes) never match anything.
 */
@ApplicationScoped
public class RouteTable {

    private final List<Route> routes;
    private final ConcurrentHashMap<String, AtomicInteger> turns = new ConcurrentHashMap<>();

    public RouteTable(GatewayConfig config) {
        this.routes = config.routes().entrySet().stream()
                .map(entry -> route(entry.getKey(), entry.getValue()))
                .sorted(Comparator.comparingInt((Route route) -> route.prefix().length()).reversed())
                .toList();
    }

    private static Route route(String name, RouteConfig config) {
        var prefix = stripTrailingSlash(config.prefix());
        if (!prefix.startsWith("/") || !isSafe(prefix)) {
            throw new IllegalArgumentException("gateway.routes." + name + ".prefix must be an absolute, plain path: " + prefix);
        }
        if (config.upstreams().isEmpty()) {
            throw new IllegalArgumentException("gateway.routes." + name + ".upstreams is empty");
        }
        return new Route(name, prefix, stripTrailingSlash(config.upstreamPrefix().orElse(prefix)),
                config.upstreams().stream().map(Upstream::new).toList(), config.timeout(),
                config.scopes().orElse(Set.of()), config.anonymous());
    }

    public List<Route> routes() {
        return routes;
    }

    /** The route serving {@code rawPath} (as sent, not decoded), if any. */
    public Optional<Route> match(String rawPath) {
        for (var route : routes) { // longest prefix first
            if (route.matches(rawPath)) {
                return Optional.of(route);
            }
        }
        return Optional.empty();
    }

    /** The upstream for the next attempt on {@code route}: each instance in turn. */
    public Upstream next(Route route) {
        var turn = turns.computeIfAbsent(route.name(), name -> new AtomicInteger()).getAndIncrement();
        return route.upstreams().get(Math.floorMod(turn, route.upstreams().size()));
    }

    /**
     * False for a path with a {@code .} or {@code ..} segment, raw or percent-encoded, an encoded
     * slash or backslash, or a NUL: an upstream (or a framework in front of it) that normalises
     * such a path would serve something outside the route the gateway checked.
     */
    public static boolean isSafe(String rawPath) {
        if (rawPath.indexOf('\\') >= 0 || rawPath.indexOf('\0') >= 0) {
            return false;
        }
        if (rawPath.indexOf('%') < 0 && rawPath.indexOf('.') < 0) {
            return true; // nothing encoded and no dot: no segment below can be unsafe (most paths, on every request)
        }
        for (var segment : rawPath.split("/", -1)) {
            String decoded;
            try {
                decoded = URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException malformedEscape) {
                return false;
            }
            if (decoded.equals(".") || decoded.equals("..") || decoded.contains("/") || decoded.contains("\\")
                    || decoded.indexOf('\0') >= 0) {
                return false;
            }
        }
        return true;
    }

    private static String stripTrailingSlash(String path) {
        return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }
}
