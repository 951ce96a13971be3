package dev.sandbox.rag.index;

/** Where a document is: waiting in the work queue, searchable, or given up on (its reason in {@code error}). */
public enum DocumentStatus {
    QUEUED, INDEXED, FAILED
}
