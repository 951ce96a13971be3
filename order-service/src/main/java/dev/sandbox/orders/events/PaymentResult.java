package dev.sandbox.orders.events;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.UUID;

/** On {@code payments.v1}, keyed by the order id: the outcome of an order's charge. */
public record PaymentResult(UUID orderId, Outcome outcome, BigDecimal amount, String currency, long ledgerEntry,
        Instant processedAt) {

    public enum Outcome {
        PAID, REJECTED
    }
}
