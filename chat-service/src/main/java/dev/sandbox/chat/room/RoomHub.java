package dev.sandbox.chat.room;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.sandbox.chat.ChatConfig;
import dev.sandbox.chat.fanout.Fanout;
import dev.sandbox.chat.presence.Presence;
import dev.sandbox.chat.store.Head;
import dev.sandbox.chat.store.MessageStore;
import dev.sandbox.chat.store.StoredMessage;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.quarkus.runtime.StartupEvent;

/**
 * This node's rooms: who is connected here, and each room's in-order stream.
 *
 * <p>Delivery, in the reliable design: a send is stored first (Redis assigns the seq), then
 * published on the fan-out; every node with members in the room, this one included, receives it and
 * releases it through the room's reorder buffer. What the fan-out loses (a node killed between
 * storing and publishing, a broker outage, a Redis pub/sub subscriber away) is found by the
 * <em>sweep</em>: every {@code chat.sweep-interval} each room compares its last delivered seq with
 * Redis' head and reads what it missed from history. A gap the buffer cannot close within
 * {@code chat.reorder-timeout} is read from history too. A new epoch (Redis lost the history)
 * closes the room's connections with {@link CloseCodes#HISTORY_RESET}, so clients are told.
 *
 * <p>Threads: fan-out callbacks and websocket workers touch a room under its lock and never call
 * Redis while holding it, except once when the room is first opened on this node (bind, head).
 * The fan-out's own thread only tries the lock, and hands the delivery to a thread of the hub's when
 * the room is busy ({@link #inRoom}); sweeps, gap fills, presence and heartbeats run on the hub's
 * own scheduler.
 */
@ApplicationScoped
public class RoomHub {

    private static final Logger LOG = Logger.getLogger(RoomHub.class);

    private final ChatConfig config;
    private final MessageStore store;
    private final Presence presence;
    private final Fanout fanout;
    private final ObjectMapper json;
    private final Tracer tracer;
    private final FanoutLatency latency;
    private final boolean reliable;
    private final Map<String, Room> rooms = new ConcurrentHashMap<>();
    /** Deliveries that found their room busy on the fan-out's thread (see {@link #inRoom}). */
    private final ExecutorService handoff = Executors.newSingleThreadExecutor(runnable -> {
        var thread = new Thread(runnable, "chat-rooms-handoff");
        thread.setDaemon(true);
        return thread;
    });
    private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2, runnable -> {
        var thread = new Thread(runnable, "chat-rooms");
        thread.setDaemon(true);
        return thread;
    });

    public RoomHub(ChatConfig config, MessageStore store, Presence presence, Fanout fanout, ObjectMapper json, Tracer tracer,
            FanoutLatency latency) {
        this.config = config;
        this.store = store;
        this.presence = presence;
        this.fanout = fanout;
        this.json = json;
        this.tracer = tracer;
        this.latency = latency;
        this.reliable = config.delivery() == ChatConfig.Delivery.RELIABLE;
    }

    void onStart(@Observes StartupEvent event) {
        try {
            var removed = presence.removeLeftovers();
            if (removed > 0) {
                LOG.infof("removed %d presence entries left by this node's previous process", removed);
            }
        } catch (Exception e) {
            LOG.warnf("presence leftovers not removed (%s): they expire within %s", e.getMessage(), config.presenceTtl());
        }
        fanout.start(this::onPayload);
        fanout.onRecovery(() -> scheduler.execute(this::sweepAll));
        var sweep = config.sweepInterval().toMillis();
        scheduler.scheduleWithFixedDelay(this::sweepAll, sweep, sweep, TimeUnit.MILLISECONDS);
        var beat = config.heartbeat().toMillis();
        scheduler.scheduleWithFixedDelay(this::heartbeat, beat, beat, TimeUnit.MILLISECONDS);
    }

    public boolean reliable() {
        return reliable;
    }

    /**
     * Opens a connection, websocket or event stream alike: the welcome first, then the replay above
     * {@code lastSeq} (when given and the epoch is still the room's), then live, with no gap and no
     * duplicate at the seam. A client that resumes from another epoch, or from a seq above Redis'
     * head (history went backwards), is answered with {@code reset: true} and the whole new epoch.
     * Blocks on Redis. When Redis fails midway the session leaves again (no member, no presence
     * entry is left behind) and the exception tells the caller to close the connection.
     */
    public void open(Session session, Long lastSeq, String epoch) {
        try {
            resume(session, join(session), lastSeq, epoch);
        } catch (RuntimeException e) {
            leave(session);
            throw e;
        }
    }

    private void resume(Session session, Head head, Long lastSeq, String epoch) {
        var reset = epoch != null && !epoch.equals(head.epoch());
        if (reliable && !reset && lastSeq != null && lastSeq > head.seq()) {
            // The client saw seqs Redis no longer has: never hand those seqs out again silently.
            head = rotateEpoch(session.room(), head.epoch());
            reset = true;
        }
        long after;
        List<StoredMessage> replay = List.of();
        if (!reliable || (lastSeq == null && !reset)) {
            after = head.seq();
        } else {
            after = reset ? 0 : Math.max(0, lastSeq);
            replay = history(session.room(), after, head.seq());
        }
        var welcome = new LinkedHashMap<String, Object>();
        welcome.put("type", "welcome");
        welcome.put("protocol", ChatSocket.PROTOCOL);
        welcome.put("userId", session.user());
        welcome.put("room", session.room());
        welcome.put("headSeq", head.seq());
        welcome.put("epoch", head.epoch());
        welcome.put("reset", reset);
        welcome.put("node", config.nodeId());
        session.welcome(frame(welcome));
        goLive(session, after, replay);
    }

    /**
     * Adds a member; returns the room's head as it stands now. The member is buffered (not live)
     * until {@link #goLive}: subscribe first, read history after, so nothing falls in between.
     */
    private Head join(Session session) {
        while (true) {
            var room = rooms.computeIfAbsent(session.room(), name -> new Room(name, latency::delivered));
            room.lock.lock();
            try {
                if (room.dead) {
                    continue;
                }
                if (!room.ready) {
                    // Bind before reading the head: every seq above the head is published after
                    // the binding exists, every seq up to it is in history.
                    fanout.bind(room.name);
                    var head = store.head(room.name);
                    room.delivered = head.seq();
                    room.epoch = head.epoch();
                    room.ready = true;
                }
                room.sessions.add(session);
            } finally {
                room.lock.unlock();
            }
            if (!session.follower()) {
                presence.join(session.room(), session.id(), session.user());
                fanout.publish(session.room(), "p|");
            }
            return store.head(session.room());
        }
    }

    /** Ends the seam: replays {@code history} (seq above {@code after}), then buffered live messages; then live. */
    private void goLive(Session session, long after, List<StoredMessage> history) {
        var room = rooms.get(session.room());
        if (room == null) {
            return;
        }
        room.lock.lock();
        try {
            session.goLive(after, history);
        } finally {
            room.lock.unlock();
        }
        scheduler.execute(() -> refreshPresence(room, session));
    }

    public void leave(Session session) {
        var room = rooms.get(session.room());
        if (room != null) {
            room.lock.lock();
            try {
                room.sessions.remove(session);
                if (room.sessions.isEmpty()) {
                    room.dead = true;
                    // Unbind before the room leaves the map: a join that makes the room anew binds after it.
                    fanout.unbind(room.name);
                    rooms.remove(room.name, room);
                }
            } finally {
                room.lock.unlock();
            }
        }
        if (!session.follower()) {
            scheduler.execute(() -> {
                presence.leave(session.room(), session.id(), session.user());
                fanout.publish(session.room(), "p|");
            });
        }
    }

    /**
     * Stores and publishes; the sender's {@code sent} comes from the result. Blocks on Redis. One
     * {@code chat send} span covers it, the root of the message's own trace, which its fan-out and
     * its delivery on every node join: a message is a trace of its own, not a branch of the
     * connection's (which would grow for as long as the connection lives), so the connection's
     * context, when there is one, is a link.
     */
    public Sent post(Session session, String clientMsgId, String text) {
        var builder = tracer.spanBuilder("chat send").setSpanKind(SpanKind.SERVER).setNoParent()
                .setAttribute("chat.room", session.room()).setAttribute("enduser.id", session.user());
        var connection = Span.current().getSpanContext();
        if (connection.isValid()) {
            builder.addLink(connection);
        }
        var span = builder.startSpan();
        try (var scope = span.makeCurrent()) {
            var posted = store.post(session.room(), session.user(), clientMsgId, text, reliable);
            span.setAttribute("chat.seq", posted.seq());
            if (!posted.duplicate()) {
                fanout.publish(session.room(), "m|" + posted.epoch() + "|" + posted.frame());
            }
            var context = span.getSpanContext();
            return new Sent(posted, context.isValid() ? context.getTraceId() : null);
        } catch (RuntimeException e) {
            span.recordException(e).setStatus(StatusCode.ERROR);
            throw e;
        } finally {
            span.end();
        }
    }

    /** A client resumes from above the head: the history went backwards; a new epoch tells everyone. */
    private Head rotateEpoch(String room, String seen) {
        return store.rotateEpoch(room, seen);
    }

    private List<StoredMessage> history(String room, long after, long through) {
        return store.range(room, after, through);
    }

    public long ack(Session session, long seq) {
        return store.ack(session.room(), session.user(), seq);
    }

    public void typing(Session session) {
        fanout.publish(session.room(), "t|" + session.user());
    }

    /** A payload from the fan-out: {@code m|epoch|frame}, {@code p|} (presence changed) or {@code t|user}. */
    void onPayload(String roomName, String payload) {
        var room = rooms.get(roomName);
        if (room == null || payload.length() < 2) {
            return;
        }
        switch (payload.charAt(0)) {
            case 'p' -> scheduler.execute(() -> refreshPresence(room, null));
            case 't' -> {
                var from = payload.substring(2);
                var typing = frame(Map.of("type", "typing", "from", from));
                inRoom(room, () -> room.broadcastExcept(from, typing));
            }
            case 'm' -> {
                var split = payload.indexOf('|', 2);
                var epoch = payload.substring(2, split);
                var frame = payload.substring(split + 1);
                var message = new StoredMessage(MessageStore.seqOf(frame), frame);
                inRoom(room, () -> onMessage(room, epoch, message));
            }
            default -> LOG.debugf("unknown fan-out payload in %s", roomName);
        }
    }

    /**
     * Runs a delivery under the room's lock without ever waiting for it on the fan-out's thread
     * (RabbitMQ's reader thread delivers itself): when the room is busy (a join binding it, a sweep,
     * a gap fill) the delivery moves to the hand-off thread, which waits. A bind's answer is read by
     * that same reader thread, so waiting there for a room whose holder waits for the bind would
     * never end. Arrival order may change on the way; the reorder buffer releases by seq anyway.
     */
    private void inRoom(Room room, Runnable delivery) {
        if (room.lock.tryLock()) {
            try {
                delivery.run();
            } finally {
                room.lock.unlock();
            }
            return;
        }
        handoff.execute(() -> {
            room.lock.lock();
            try {
                delivery.run();
            } finally {
                room.lock.unlock();
            }
        });
    }

    /** Under the room's lock. */
    private void onMessage(Room room, String epoch, StoredMessage message) {
        if (!room.ready || room.dead) {
            return;
        }
        if (!reliable) {
            room.deliverAsArrived(message);
            return;
        }
        if (!epoch.equals(room.epoch)) {
            // Redis' head decides which epoch is current (this payload may be the stale one).
            scheduler.execute(() -> sweep(room));
            return;
        }
        room.accept(message);
        scheduleGapFillIfNeeded(room);
    }

    /** A seq did not arrive in time: read the missing ones from history. */
    private void fillGap(Room room) {
        long from;
        long through;
        room.lock.lock();
        try {
            room.gapScheduled = false;
            if (room.pending.isEmpty() || room.dead) {
                return;
            }
            from = room.delivered;
            through = room.pending.lastKey();
        } finally {
            room.lock.unlock();
        }
        List<StoredMessage> missing;
        try {
            missing = store.range(room.name, from, through);
        } catch (Exception e) {
            LOG.debugf("gap in %s not filled yet (%s)", room.name, e.getMessage());
            room.lock.lock();
            try {
                if (!room.gapScheduled) {
                    room.gapScheduled = true;
                    scheduler.schedule(() -> fillGap(room), config.reorderTimeout().toMillis(), TimeUnit.MILLISECONDS);
                }
            } finally {
                room.lock.unlock();
            }
            return;
        }
        room.lock.lock();
        try {
            missing.forEach(room::accept);
            room.skipMissingThrough(through);
            scheduleGapFillIfNeeded(room);
        } finally {
            room.lock.unlock();
        }
    }

    /** Under the room's lock: a gap is left (above what was read), so look again after the timeout. */
    private void scheduleGapFillIfNeeded(Room room) {
        if (!room.pending.isEmpty() && !room.gapScheduled && !room.dead) {
            room.gapScheduled = true;
            scheduler.schedule(() -> fillGap(room), config.reorderTimeout().toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void sweepAll() {
        for (var room : new ArrayList<>(rooms.values())) {
            try {
                if (reliable) {
                    sweep(room);
                }
                refreshPresence(room, null);
            } catch (Exception e) {
                LOG.debugf("sweep of %s skipped: %s", room.name, e.getMessage());
            }
        }
    }

    /** Compares the room with Redis' head: reads what the fan-out lost, or resets on a new epoch. */
    private void sweep(Room room) {
        long seen;
        room.lock.lock();
        try {
            seen = room.delivered;
        } finally {
            room.lock.unlock();
        }
        // Read after noting what was delivered: without lost writes the head is at least that.
        var head = store.head(room.name);
        long from;
        room.lock.lock();
        try {
            if (room.dead || !room.ready) {
                return;
            }
            if (!head.epoch().equals(room.epoch)) {
                reset(room, head);
                return;
            }
            if (head.seq() < seen) {
                // Seqs this node delivered are gone from Redis: a new epoch, and everyone is told.
                reset(room, store.rotateEpoch(room.name, room.epoch));
                return;
            }
            if (head.seq() <= room.delivered || room.gapScheduled) {
                return;
            }
            from = room.delivered;
        } finally {
            room.lock.unlock();
        }
        var missed = store.range(room.name, from, head.seq());
        room.lock.lock();
        try {
            if (!missed.isEmpty()) {
                LOG.debugf("sweep delivers %d messages of %s that the fan-out did not bring", missed.size(), room.name);
            }
            missed.forEach(room::accept);
            room.skipMissingThrough(head.seq());
            scheduleGapFillIfNeeded(room);
        } finally {
            room.lock.unlock();
        }
    }

    /** History was lost: every member is told (closed with HISTORY_RESET) and reconnects into the new epoch. */
    private void reset(Room room, Head head) {
        LOG.warnf("room %s: epoch %s replaced by %s (history lost); members reconnect", room.name, room.epoch, head.epoch());
        room.dead = true;
        fanout.unbind(room.name);
        rooms.remove(room.name, room);
        for (var session : room.snapshot()) {
            session.close(CloseCodes.HISTORY_RESET);
        }
        room.sessions.clear();
    }

    private void refreshPresence(Room room, Session newcomer) {
        List<String> online;
        try {
            online = presence.online(room.name);
        } catch (Exception e) {
            LOG.debugf("presence of %s not read: %s", room.name, e.getMessage());
            return;
        }
        var frame = frame(Map.of("type", "presence", "online", online));
        room.lock.lock();
        try {
            if (!online.equals(room.online)) {
                room.online = online;
                room.broadcast(frame);
            } else if (newcomer != null) {
                newcomer.send(frame);
            }
        } finally {
            room.lock.unlock();
        }
    }

    private void heartbeat() {
        var entries = new ArrayList<String[]>();
        for (var room : rooms.values()) {
            room.lock.lock();
            try {
                for (var session : room.sessions) {
                    if (session.follower()) {
                        continue;
                    }
                    entries.add(new String[] {room.name, session.id(), session.user()});
                }
            } finally {
                room.lock.unlock();
            }
        }
        try {
            presence.renew(entries);
        } catch (Exception e) {
            LOG.debugf("presence not renewed: %s", e.getMessage());
        }
    }

    /** Presence as this node's rooms see it (for the REST endpoint the store is asked directly). */
    public int connections() {
        return rooms.values().stream().mapToInt(room -> {
            room.lock.lock();
            try {
                return room.sessions.size();
            } finally {
                room.lock.unlock();
            }
        }).sum();
    }

    public String frame(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    @PreDestroy
    void shutdown() {
        scheduler.shutdownNow();
        handoff.shutdownNow();
        for (var room : rooms.values()) {
            for (var session : room.snapshot()) {
                session.close(CloseCodes.GOING_AWAY);
                if (!session.follower()) {
                    presence.leave(room.name, session.id(), session.user());
                }
            }
        }
    }
}
