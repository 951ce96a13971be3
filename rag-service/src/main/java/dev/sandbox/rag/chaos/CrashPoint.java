package dev.sandbox.rag.chaos;

/** Where a crash in the ingest worker hurts: between two writes that are not atomic together. */
public enum CrashPoint {
    /** The chunks are embedded, nothing is committed to the index yet. */
    BEFORE_INDEX_COMMIT,
    /** The chunks are committed to the index, the job is not yet acknowledged to RabbitMQ. */
    AFTER_INDEX_COMMIT
}
