package dev.sandbox.ingestion.stats;

/**
 * The sink's totals: distinct events stored; records dropped because their id was stored already
 * (a client's resend, or a record published twice); records sent to the dead-letter topic; and
 * records the sink read again after a crash, which it had written before (at-least-once at work).
 */
public record Summary(long stored, long duplicatesDropped, long deadLettered, long redelivered) {
}
