package dev.sandbox.chat.room;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

import org.jboss.logging.Logger;

import dev.sandbox.chat.store.StoredMessage;
import io.quarkus.websockets.next.CloseReason;
import io.quarkus.websockets.next.WebSocketConnection;

/**
 * One member's connection, as the room sees it: a bounded outbound queue drained one frame at a
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

    private final WebSocketConnection connection;
    private final String user;
    private final String room;
    private final int capacity;
    private final boolean dedupeBySeq;
    private final ArrayDeque<String> outbound = new ArrayDeque<>();
    private List<StoredMessage> buffered = new ArrayList<>();
    private List<String> early = new ArrayList<>();
    private boolean live;
    private boolean writing;
    private boolean closed;
    private long lastSent;
    private volatile boolean inWrite;

    public Session(WebSocketConnection connection, String user, String room, int capacity, boolean dedupeBySeq) {
        this.connection = connection;
        this.user = user;
        this.room = room;
        this.capacity = capacity;
        this.dedupeBySeq = dedupeBySeq;
    }

    public String user() {
        return user;
    }

    public String room() {
        return room;
    }

    public String id() {
        return connection.id();
    }

    /** Queues a control frame (sent, presence, error...); before the welcome it waits behind it. */
    public synchronized void send(String frame) {
        if (early != null) {
            early.add(frame);
            return;
        }
        offer(frame);
    }

    /** The first frame of every connection; what was queued before it follows it. */
    public synchronized void welcome(String frame) {
        offer(frame);
        early.forEach(this::offer);
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
        offer(message.frame());
    }

    private void offer(String frame) {
        if (closed) {
            return;
        }
        if (outbound.size() >= capacity) {
            LOG.debugf("closing %s in %s: %d frames queued", user, room, outbound.size());
            close(CloseCodes.SLOW_CONSUMER);
            return;
        }
        outbound.add(frame);
        if (!writing) {
            writing = true;
            writeNext();
        }
    }

    private synchronized void writeNext() {
        var frame = outbound.poll();
        if (frame == null || closed) {
            writing = false;
            return;
        }
        inWrite = true;
        try {
            connection.sendText(frame).subscribe().with(ok -> {
                // A write that completed within sendText (on the event loop) must not recurse: hop.
                if (inWrite) {
                    HOP.execute(this::writeNext);
                } else {
                    writeNext();
                }
            }, failure -> {
                synchronized (this) {
                    writing = false;
                    closed = true;
                    outbound.clear();
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
        connection.close(reason).subscribe().with(ok -> { }, failure -> { });
    }

    public synchronized boolean isClosed() {
        return closed;
    }
}
