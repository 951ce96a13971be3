package dev.sandbox.ingestion.parse;

/**
 * The rest of the body cannot be read: a JSON array broken mid-way, a CSV header without an id
 * column, bytes that are not UTF-8. Records before this point were read; nothing after it is.
 */
public class UnreadableBodyException extends RuntimeException {

    public UnreadableBodyException(String message) {
        super(message);
    }
}
