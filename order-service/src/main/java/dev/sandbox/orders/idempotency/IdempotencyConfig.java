package dev.sandbox.orders.idempotency;

import java.time.Duration;

import io.smallrye.config.WithDefault;

/** {@code orders.idempotency.*}, a group of {@code OrdersConfig}. */
public interface IdempotencyConfig {

    /** How long a completed response is kept for replay. */
    @WithDefault("24h")
    Duration ttl();

    /**
     * How long a request holds its key while it executes. If its process dies, the key is free
     * again after this; a retry then executes, and the database's unique key makes it a replay.
     */
    @WithDefault("30s")
    Duration lease();

    /** How long a duplicate waits for the request holding the key, before answering 409. */
    @WithDefault("5s")
    Duration duplicateWait();

    /** Prefix of the Redis keys. */
    @WithDefault("orders:idempotency:")
    String keyPrefix();
}
