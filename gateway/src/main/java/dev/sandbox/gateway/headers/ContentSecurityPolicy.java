package dev.sandbox.gateway.headers;

import java.util.HashMap;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import dev.sandbox.gateway.GatewayConfig;
import dev.sandbox.gateway.routing.Route;
import dev.sandbox.gateway.routing.RouteTable;
import io.vertx.ext.web.Router;

/**
 * One {@code Content-Security-Policy} on every answer: the route's own when it states one (a route
 * that serves a page: its script, its style, its websocket), the gateway's otherwise
 * ({@code default-src 'none'}: an API answer loads nothing). Set when the headers are written, so
 * it replaces whatever an upstream or a framework put there: a browser enforces every policy it is
 * given, so a second, stricter one beside the route's would block the page.
 */
@ApplicationScoped
public class ContentSecurityPolicy {

    static final String HEADER = "Content-Security-Policy";

    private final RouteTable routes;
    private final String gatewayPolicy;
    private final Map<String, String> routePolicies = new HashMap<>();

    public ContentSecurityPolicy(GatewayConfig config, RouteTable routes) {
        this.routes = routes;
        this.gatewayPolicy = config.contentSecurityPolicy();
        config.routes().forEach((name, route) -> route.contentSecurityPolicy().ifPresent(policy -> routePolicies.put(name, policy)));
    }

    /** The policy of an answer to {@code rawPath}: its route's, else the gateway's. */
    public String policyFor(String rawPath) {
        return routes.match(rawPath).map(Route::name).map(routePolicies::get).orElse(gatewayPolicy);
    }

    void register(@Observes Router router) {
        // Ahead of every other handler (the path check, the proxy, Quarkus' own endpoints), so no answer goes without.
        router.route().order(-2000).handler(ctx -> {
            var policy = policyFor(ctx.request().path());
            ctx.addHeadersEndHandler(written -> ctx.response().headers().set(HEADER, policy));
            ctx.next();
        });
    }
}
