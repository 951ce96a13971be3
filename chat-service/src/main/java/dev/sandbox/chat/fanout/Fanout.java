package dev.sandbox.chat.fanout;

import java.util.function.BiConsumer;

/**
 * How a posted message reaches every node that has members in its room, this node included
 * (one path for all, so local and remote members see the same order of arrival). At most once:
 * a payload lost in a crash or an outage is found again by the nodes' sweep of the room's history
 * ({@code RoomHub}), so the broker does not need to be durable.
 */
public interface Fanout {

    /** Where arriving payloads go: (room, payload). Called once, before any bind. */
    void start(BiConsumer<String, String> listener);

    /** Start receiving the room's payloads on this node; returns once the subscription is in place. */
    void bind(String room);

    void unbind(String room);

    /** Best effort: a failure is logged, never thrown (the message is durable already). */
    void publish(String room, String payload);

    /** Called after the transport recovered from an outage: anything published meanwhile was lost. */
    default void onRecovery(Runnable action) {
    }

    /** Lets go of the transport's connections: nothing is published or delivered after it. */
    void close();
}
