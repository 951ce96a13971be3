package dev.sandbox.orders;

import java.util.Set;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import dev.sandbox.orders.chaos.CrashConfig;
import dev.sandbox.orders.idempotency.IdempotencyConfig;
import dev.sandbox.orders.kafka.TopicsConfig;
import dev.sandbox.orders.order.PaymentResultsConfig;
import dev.sandbox.orders.outbox.RelayConfig;
import dev.sandbox.orders.payment.ProcessorConfig;

/**
 * The roles this process plays and the design switches: each switch names the whiteboard
 * alternative it selects, and the naive choices are there to be run and seen failing
 * (docs/orders.md lists what each one breaks). The one root of the service's configuration, under
 * {@code orders.*}; each feature's knobs are a group of it. Enum values are written in kebab-case
 * ({@code dual-write}, {@code at-least-once}), in the environment, in metric tags and in the docs.
 */
@ConfigMapping(prefix = "orders")
public interface OrdersConfig {

    /** {@code api} (HTTP, outbox relay, payment results), {@code processor} (payments), or both. */
    @WithDefault("api,processor")
    Set<Role> role();

    /** How an order reaches Kafka: in the order's own transaction, or written to both afterwards. */
    @WithDefault("outbox")
    Publish publish();

    /** How the processor commits: one Kafka transaction for result and offsets, or one after the other. */
    @WithDefault("transactional")
    Delivery delivery();

    /** Whether the processor's charge is guarded by an idempotency key (a unique constraint). */
    @WithDefault("on")
    boolean dedupe();

    /**
     * This instance's name among its replicas, stable across its restarts: the processor's
     * transactional id and the consumers' static group membership derive from it.
     */
    @WithDefault("${HOSTNAME:local}")
    String instanceId();

    TopicsConfig topics();

    ProcessorConfig processor();

    PaymentResultsConfig paymentResults();

    RelayConfig relay();

    IdempotencyConfig idempotency();

    CrashConfig crash();

    enum Role {
        API, PROCESSOR
    }

    enum Publish {
        /** The event is a row written in the order's transaction; a relay publishes it. */
        OUTBOX,
        /** Commit the order, then publish: a crash in between loses the event. */
        DUAL_WRITE
    }

    enum Delivery {
        /** The payment result and the consumed offsets commit in one Kafka transaction. */
        TRANSACTIONAL,
        /** Produce, then commit the offsets: a crash in between delivers the result again. */
        AT_LEAST_ONCE
    }

    default boolean runs(Role role) {
        return role().contains(role);
    }
}
