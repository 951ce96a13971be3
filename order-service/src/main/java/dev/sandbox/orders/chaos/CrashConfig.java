package dev.sandbox.orders.chaos;

import io.smallrye.config.WithDefault;

/**
 * Where a crash hurts: the moments between two writes that are not atomic together. Each is the
 * probability of halting there (common's {@code CrashPoints}), 0 (never, the default) to 1 (the
 * first time it is reached): {@code ORDERS_CRASH_AFTER_CHARGE=0.05}. 1 makes an experiment deterministic.
 * A group of the service's root mapping: {@code orders.crash.*}.
 */
public interface CrashConfig {

    /** Processor: the charge is in the ledger, its result not yet in Kafka. */
    @WithDefault("0")
    double afterCharge();

    /** Processor: the results reached the broker (in the transaction, or for good), the offsets are not committed. */
    @WithDefault("0")
    double afterProduce();

    /** Processor: everything is sent, the commit (of the transaction, or of the offsets) is not. */
    @WithDefault("0")
    double beforeCommit();

    /** API: the order is committed in PostgreSQL, its event not yet published. */
    @WithDefault("0")
    double afterDbCommitBeforePublish();
}
