package dev.sandbox.orders.payment;

import java.math.BigDecimal;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

@ConfigMapping(prefix = "orders.processor")
public interface ProcessorConfig {

    /** The consumer group of the processors on {@code orders.v1}. */
    @WithDefault("order-processor")
    String groupId();

    /** The stand-in for a payment provider's verdict: orders above this total are declined (any currency). */
    @WithDefault("5000")
    BigDecimal declineAbove();
}
