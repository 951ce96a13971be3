package dev.sandbox.orders.order;

import jakarta.ws.rs.container.ContainerRequestContext;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import dev.sandbox.common.problem.ProblemException;
import dev.sandbox.orders.OrdersConfig;

/** A processor-only instance serves its health and metrics, not the orders API. */
public class ApiRoleFilter {

    private final OrdersConfig config;

    ApiRoleFilter(OrdersConfig config) {
        this.config = config;
    }

    @ServerRequestFilter
    public void refuseOnProcessors(ContainerRequestContext request) {
        if (!config.runs(OrdersConfig.Role.API) && request.getUriInfo().getPath().startsWith("/orders")) {
            throw new ProblemException(404, "not-an-api-instance", "Not found",
                    "This instance runs the payment processor only (orders.role); send order requests to an API instance.");
        }
    }
}
