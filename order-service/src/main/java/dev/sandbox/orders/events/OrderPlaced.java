package dev.sandbox.orders.events;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.UUID;

/** On {@code orders.v1}, keyed by the order id: an order was accepted and waits for its payment. */
public record OrderPlaced(UUID orderId, String customerId, String currency, BigDecimal total, Instant placedAt) {
}
