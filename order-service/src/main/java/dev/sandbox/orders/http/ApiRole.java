package dev.sandbox.orders.http;

import java.util.List;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import dev.sandbox.common.http.UnservedPaths;
import dev.sandbox.orders.OrdersConfig;

/** A processor-only instance serves its health and metrics, not the orders API (common's {@code RoleGate} answers). */
public final class ApiRole {

    private ApiRole() {
    }

    @Produces
    @Singleton
    static UnservedPaths unserved(OrdersConfig config) {
        return config.runs(OrdersConfig.Role.API) ? UnservedPaths.none()
                : new UnservedPaths(List.of("/orders"),
                        "This instance runs the payment processor only (orders.role); send order requests to an API instance.");
    }
}
