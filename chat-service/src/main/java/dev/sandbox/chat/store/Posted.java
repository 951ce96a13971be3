package dev.sandbox.chat.store;

/**
 * What posting a message did: the seq and id it got (the first post's, when {@code duplicate}),
 * the room's epoch, and the frame to fan out (null for a duplicate: it was fanned out the first time).
 */
public record Posted(long seq, String msgId, String epoch, boolean duplicate, String frame) {
}
