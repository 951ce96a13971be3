package dev.sandbox.orders.order;

import java.util.List;

/** A page of orders, newest first; {@code nextCursor} fetches the next one, null on the last. */
public record OrderPage(List<Order> items, String nextCursor) {
}
