package dev.sandbox.chat.store;

/** A room's newest seq and its epoch (which changes when Redis lost the room's history). */
public record Head(long seq, String epoch) {
}
