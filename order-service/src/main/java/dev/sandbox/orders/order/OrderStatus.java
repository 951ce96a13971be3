package dev.sandbox.orders.order;

public enum OrderStatus {
    /** Accepted; the payment is not decided yet. */
    PENDING,
    PAID,
    REJECTED
}
