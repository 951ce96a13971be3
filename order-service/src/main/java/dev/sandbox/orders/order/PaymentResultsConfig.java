package dev.sandbox.orders.order;

import io.smallrye.config.WithDefault;

/** {@code orders.payment-results.*}, a group of {@code OrdersConfig}. */
public interface PaymentResultsConfig {

    /** The consumer group of the API instances on {@code payments.v1}. */
    @WithDefault("order-service")
    String groupId();
}
