package dev.sandbox.orders.testing;

import java.util.Map;

/** A setting of the three design switches, as the environment of the service's processes. */
public record Design(String name, String publish, String delivery, String dedupe) {

    /** Every link of the chain in place. */
    public static final Design EXACTLY_ONCE = new Design("exactly-once", "outbox", "transactional", "on");
    /** Every link missing: dual write, produce-then-commit, no idempotency key on the charge. */
    public static final Design NAIVE = new Design("naive", "dual-write", "at-least-once", "off");

    public Map<String, String> environment() {
        return Map.of("ORDERS_PUBLISH", publish, "ORDERS_DELIVERY", delivery, "ORDERS_DEDUPE", dedupe);
    }

    @Override
    public String toString() {
        return name + " (publish=" + publish + ", delivery=" + delivery + ", dedupe=" + dedupe + ")";
    }
}
