package dev.sandbox.orders.order;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

@ConfigMapping(prefix = "orders.payment-results")
public interface PaymentResultsConfig {

    /** The consumer group of the API instances on {@code payments.v1}. */
    @WithDefault("order-service")
    String groupId();
}
