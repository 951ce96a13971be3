package dev.sandbox.orders.outbox;

import java.time.Duration;

import io.smallrye.config.WithDefault;

/** {@code orders.relay.*}, a group of {@code OrdersConfig}. */
public interface RelayConfig {

    /** Rows published per transaction. */
    @WithDefault("200")
    int batchSize();

    /** How long the relay waits before looking again when the outbox was empty. */
    @WithDefault("50ms")
    Duration idlePause();
}
