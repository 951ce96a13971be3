package dev.sandbox.chat.store;

/**
 * One message as the room's history holds it: its seq and the {@code message} frame exactly as
 * every member receives it (built once, so a replay and a live delivery are byte for byte the same).
 */
public record StoredMessage(long seq, String frame) {
}
