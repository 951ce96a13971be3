package dev.sandbox.chat.room;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

import org.jboss.logging.Logger;

import dev.sandbox.chat.store.StoredMessage;
import io.quarkus.websockets.next.CloseReason;

/**
 * One connection to a room, as the room sees it (a member's websocket or a follower's event stream,
 * behind an {@link Outlet}): a bounded outbound queue drained one frame at a
 * time (the next write starts when the previous one completed, so a client that stops reading
 * fills its own queue and nobody else's), and the seam between replay and live.
 *
 * <p>Until {@link #goLive} the room's live messages are buffered here; {@code goLive} sends the
 * replayed history, then the buffered messages above the last one sent, then switches to live.
 * With {@code dedupeBySeq} every message frame at or below the last seq sent is dropped, so the
 * seam has neither a gap (the live stream was buffered before history was read) nor a duplicate.
 * When the queue overflows the connection is closed with {@link CloseCodes#SLOW_CONSUMER}: the
 * client resumes from its last seq, and the room never waits for it.
 */
public final class Session {

    private static final Logger LOG = Logger.getLogger(Session.class);
    private static final java.util.concurrent.Executor HOP = java.util.concurrent.ForkJoinPool.commonPool();

    private final Outlet outlet;
    private final String user;
    private final String room;
    private final int capacity;
    private final boolean dedupeBySeq;
    private final boolean follower;
    private final ArrayDeque<Out> outbound = new ArrayDeque<>();
    private List<StoredMessage> buffered = new ArrayList<>();
    private List<String> early = new ArrayList<>();
    private boolean live;
    private boolean writing;
    private boolean closed;
    private long lastSent;
    private volatile boolean inWrite;

    /** A frame waiting to be written; {@code seq} is the message's for a {@code message} frame, else 0. */
    private record Out(String frame, long seq) {
    }

    /**
     * @param follower a read-only follower (the event stream): it receives the room's stream but
     *                 is not a member, so it is not listed in presence
     */
    public Session(Outlet outlet, String user, String room, int capacity, boolean dedupeBySeq, boolean follower) {
        this.outlet = outlet;
        this.user = user;
        this.room = room;
        this.capacity = capacity;
        this.dedupeBySeq = dedupeBySeq;
        this.follower = follower;
    }

    /** A member's websocket. */
    public static Session member(io.quarkus.websockets.next.WebSocketConnection connection, String user, String room, int capacity,
            boolean dedupeBySeq) {
        return new Session(new WebSocketOutlet(connection), user, room, capacity, dedupeBySeq, false);
    }

    public String user() {
        return user;
    }

    public String room() {
        return room;
    }

    public String id() {
        return outlet.id();
    }

    public boolean follower() {
        return follower;
    }

    /** Queues a control frame (sent, presence, error...); before the welcome it waits behind it. */
    public synchronized void send(String frame) {
        if (early != null) {
            early.add(frame);
            return;
        }
        offer(frame, 0);
    }

    /** The first frame of every connection; what was queued before it follows it. */
    public synchronized void welcome(String frame) {
        offer(frame, 0);
        early.forEach(control -> offer(control, 0));
        early = null;
    }

    /** A message of the room's in-order stream: buffered until live, then sent unless already sent. */
    public synchronized void deliver(StoredMessage message) {
        if (!live) {
            buffered.add(message);
            return;
        }
        sendMessage(message);
    }

    /** The seam: replay (seq above {@code after}), then what was buffered meanwhile, then live. */
    public synchronized void goLive(long after, List<StoredMessage> replay) {
        lastSent = after;
        replay.forEach(this::sendMessage);
        buffered.forEach(this::sendMessage);
        buffered = null;
        live = true;
    }

    private void sendMessage(StoredMessage message) {
        if (dedupeBySeq) {
            if (message.seq() <= lastSent) {
                return;
            }
            lastSent = message.seq();
        }
        offer(message.frame(), message.seq());
    }

    private void offer(String frame, long seq) {
        if (closed) {
            return;
        }
        if (outbound.size() >= capacity) {
            LOG.debugf("closing %s in %s: %d frames queued", user, room, outbound.size());
            close(CloseCodes.SLOW_CONSUMER);
            return;
        }
        outbound.add(new Out(frame, seq));
        if (!writing) {
            writing = true;
            writeNext();
        }
    }

    private synchronized void writeNext() {
        var next = outbound.poll();
        if (next == null || closed) {
            writing = false;
            return;
        }
        inWrite = true;
        try {
            outlet.write(next.frame(), next.seq()).whenComplete((ok, failure) -> {
                if (failure != null) {
                    synchronized (this) {
                        writing = false;
                        closed = true;
                        outbound.clear();
                    }
                } else if (inWrite) {
                    // A write that completed within write() (on the event loop) must not recurse: hop.
                    HOP.execute(this::writeNext);
                } else {
                    writeNext();
                }
            });
        } finally {
            inWrite = false;
        }
    }

    public synchronized void close(CloseReason reason) {
        if (closed) {
            return;
        }
        closed = true;
        outbound.clear();
        outlet.close(reason);
    }

    public synchronized boolean isClosed() {
        return closed;
    }
}
