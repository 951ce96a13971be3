package dev.sandbox.rag.ingest;

/** A job that can never succeed (no indexable text, a malformed message): no retry, straight to the dead-letter queue. */
public class PermanentFailure extends RuntimeException {

    public PermanentFailure(String reason) {
        super(reason);
    }
}
