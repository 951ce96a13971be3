package dev.sandbox.chat.room;

import dev.sandbox.chat.store.Posted;

/**
 * What a send comes back with: the stored message (the first post's, for a retry) and the trace of
 * this send, from the send through the fan-out to the delivery on every node ({@code null} when
 * tracing is off). The {@code sent} frame carries both, so a user can look the message up in the
 * trace UI.
 */
public record Sent(Posted posted, String traceId) {
}
