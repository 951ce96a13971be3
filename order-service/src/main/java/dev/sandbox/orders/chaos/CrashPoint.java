package dev.sandbox.orders.chaos;

/** Where a crash hurts: the moments between two writes that are not atomic together. */
public enum CrashPoint {
    /** Processor: the charge is in the ledger, its result not yet in Kafka. */
    AFTER_CHARGE,
    /** Processor: the results reached the broker (in the transaction, or for good), the offsets are not committed. */
    AFTER_PRODUCE,
    /** Processor: everything is sent, the commit (of the transaction, or of the offsets) is not. */
    BEFORE_COMMIT,
    /** API: the order is committed in PostgreSQL, its event not yet published. */
    AFTER_DB_COMMIT_BEFORE_PUBLISH
}
