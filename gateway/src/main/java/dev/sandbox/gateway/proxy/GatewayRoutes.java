package dev.sandbox.gateway.proxy;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.sandbox.common.problem.Problem;
import dev.sandbox.gateway.routing.RouteTable;
import io.vertx.ext.web.Router;

/**
 * Puts the proxy on Quarkus' HTTP router: every configured route prefix goes to the
 * {@link ProxyHandler}; anything else under {@code /api} is an unknown route. Ahead of all of it, a
 * check of the raw path: the router matches on the normalised path, in which
 * {@code /api/orders/../../admin} has already become {@code /admin}.
 */
@ApplicationScoped
public class GatewayRoutes {

    void register(@Observes Router router, RouteTable routes, ProxyHandler proxy, ObjectMapper json) {
        router.route().order(-1000).handler(ctx -> {
            if (RouteTable.isSafe(ctx.request().path())) {
                ctx.next();
            } else {
                ProblemWriter.write(ctx, json, Problem.of(400, "invalid-path", "Invalid path",
                        "Dot segments, encoded slashes and backslashes are not allowed in paths.", List.of()));
            }
        });
        for (var route : routes.routes()) {
            router.route(route.prefix()).handler(proxy);
            router.route(route.prefix() + "/*").handler(proxy);
        }
        router.route("/api/*").handler(ctx -> ProblemWriter.write(ctx, json, Problem.of(404, "no-route", "No route",
                "No route serves " + ctx.request().path() + ".", List.of())));
    }
}
