package dev.sandbox.orders.kafka;

import io.smallrye.config.WithDefault;

/** {@code orders.topics.*}, a group of {@code OrdersConfig}. */
public interface TopicsConfig {

    @WithDefault("orders.v1")
    String orders();

    @WithDefault("payments.v1")
    String payments();

    /**
     * Partitions of both topics: the most processors (or API instances) that can consume in
     * parallel. Records are keyed by order id, so an order's events stay in order.
     */
    @WithDefault("3")
    int partitions();
}
