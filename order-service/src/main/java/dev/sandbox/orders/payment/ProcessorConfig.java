package dev.sandbox.orders.payment;

import java.math.BigDecimal;

import io.smallrye.config.WithDefault;

/** {@code orders.processor.*}, a group of {@code OrdersConfig}. */
public interface ProcessorConfig {

    /** The consumer group of the processors on {@code orders.v1}. */
    @WithDefault("order-processor")
    String groupId();

    /** The stand-in for a payment provider's verdict: orders above this total are declined (any currency). */
    @WithDefault("5000")
    BigDecimal declineAbove();
}
