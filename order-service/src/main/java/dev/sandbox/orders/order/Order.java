package dev.sandbox.orders.order;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * An order as the API shows it. {@code charges} counts the payment-ledger entries for it: exactly
 * one once it is paid or rejected, whatever crashed on the way.
 */
public record Order(UUID id, String customerId, OrderStatus status, String currency, BigDecimal total,
        List<LineItem> items, long charges, Instant createdAt, Instant updatedAt) {
}
