package dev.sandbox.orders.idempotency;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import dev.sandbox.orders.OrdersConfig;

/**
 * Ready only while Redis answers, on the instances that serve the API: without it every order
 * request gets 503. Replaces Quarkus' own Redis check, which would also hold back processors,
 * which never use Redis.
 */
@Readiness
@ApplicationScoped
public class IdempotencyStoreReadiness implements HealthCheck {

    private final IdempotencyStore store;
    private final OrdersConfig orders;

    IdempotencyStoreReadiness(IdempotencyStore store, OrdersConfig orders) {
        this.store = store;
        this.orders = orders;
    }

    @Override
    public HealthCheckResponse call() {
        var response = HealthCheckResponse.named("Idempotency store (Redis)");
        if (!orders.runs(OrdersConfig.Role.API)) {
            return response.up().withData("role", "processor: not used").build();
        }
        return response.status(store.ping()).build();
    }
}
