package dev.sandbox.chat.room;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

import dev.sandbox.chat.store.StoredMessage;

/**
 * A room as one node sees it: its local members and its in-order stream. Messages arrive from the
 * fan-out in any order; {@link #accept} holds them in a reorder buffer and releases them strictly in
 * seq order, each exactly once, to every local member. A seq that does not come is read from
 * history by the hub after {@code chat.reorder-timeout}. Guarded by {@link #lock}: a lock, not the
 * monitor, so a fan-out thread can try it and go on when the room is busy.
 */
final class Room {

    final String name;
    final ReentrantLock lock = new ReentrantLock();
    private final Consumer<StoredMessage> released;
    final Set<Session> sessions = new LinkedHashSet<>();
    final TreeMap<Long, StoredMessage> pending = new TreeMap<>();
    long delivered;
    String epoch;
    boolean ready;
    boolean dead;
    boolean gapScheduled;
    List<String> online = List.of();

    /** @param released told of each message as it is released to the members (once per message, in seq order) */
    Room(String name, Consumer<StoredMessage> released) {
        this.name = name;
        this.released = released;
    }

    /** Takes one message; returns whether a gap is left (a seq above the next expected one is waiting). */
    boolean accept(StoredMessage message) {
        if (message.seq() <= delivered) {
            return !pending.isEmpty();
        }
        pending.put(message.seq(), message);
        release();
        return !pending.isEmpty();
    }

    /**
     * Gives up on missing seqs up to {@code through}, which history was just read up to: a seq is
     * stored in the same atomic step that assigns it, so one history does not have is gone (trimmed
     * by retention). Seqs above {@code through} may still be in flight and are waited for.
     */
    void skipMissingThrough(long through) {
        while (!pending.isEmpty() && pending.firstKey() <= through && pending.firstKey() > delivered + 1) {
            delivered = pending.firstKey() - 1;
            release();
        }
    }

    private void release() {
        StoredMessage next;
        while ((next = pending.remove(delivered + 1)) != null) {
            delivered = next.seq();
            released.accept(next);
            for (var session : sessions) {
                session.deliver(next);
            }
        }
    }

    /** Live delivery without order or dedupe: the naive design. */
    void deliverAsArrived(StoredMessage message) {
        delivered = Math.max(delivered, message.seq());
        released.accept(message);
        for (var session : sessions) {
            session.deliver(message);
        }
    }

    void broadcast(String frame) {
        for (var session : sessions) {
            session.send(frame);
        }
    }

    void broadcastExcept(String user, String frame) {
        for (var session : sessions) {
            if (!session.user().equals(user)) {
                session.send(frame);
            }
        }
    }

    List<Session> snapshot() {
        return new ArrayList<>(sessions);
    }
}
