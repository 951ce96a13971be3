package dev.sandbox.chat.fanout;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

import org.jboss.logging.Logger;

import dev.sandbox.common.telemetry.MessagingTracer;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.context.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

/**
 * Fan-out through Redis pub/sub, one channel per room: the comparison point for RabbitMQ. Fire and
 * forget: a node that is not subscribed at that instant (reconnecting, or Redis restarting) never
 * sees the payload, and nothing is queued for a slow node; the history sweep covers both.
 *
 * <p>One subscriber connection per node, whatever the number of rooms: {@link #bind} adds the room's
 * channel to it ({@code SUBSCRIBE}) and returns when Redis confirmed, {@link #unbind} removes it.
 * The connection's handler is in place before the first {@code SUBSCRIBE} is written, so no reply
 * can arrive unseen. (A subscriber per room, as the Quarkus client's {@code PubSubCommands} makes
 * them, holds one pooled connection per room, so a node with as many rooms as the pool has
 * connections stops; and it installs its handler only after the {@code SUBSCRIBE} was written, so
 * on a busy machine the confirmation can come first, be dropped, and the subscription never
 * completes.) When the connection is lost it is opened again every half second, every bound room
 * is subscribed again, and the recovery actions run: the rooms read what was published meanwhile.
 * Payloads are handed to the listener on a thread of the fan-out's own, never on the connection's
 * event loop, which must stay free to read the replies that a listener may wait for.
 *
 * <p>Tracing, as {@link RabbitFanout} does it: pub/sub has no headers, so a payload published inside
 * a trace travels in an envelope, {@code trace\n}, the propagation headers one per line as
 * {@code name: value}, an empty line, then the payload; its publish is a {@code <channel> publish}
 * producer span, and each node processes it (delivery to its members included) under a
 * {@code <channel> process} consumer span parented on the context the envelope carried. The span
 * names use the channel's template ({@code <prefix>{room}}), the attributes the room's own channel.
 * Presence and typing, published outside any trace, travel bare.
 */
public final class RedisFanout implements Fanout {

    private static final Logger LOG = Logger.getLogger(RedisFanout.class);
    private static final String TRACED = "trace\n";
    private static final long RECONNECT_MILLIS = 500;

    private final Redis client;
    private final Vertx vertx;
    private final String prefix;
    private final MessagingTracer tracing;
    private final Duration timeout;
    private final Set<String> rooms = ConcurrentHashMap.newKeySet();
    /** Channels whose SUBSCRIBE was written and not yet confirmed. */
    private final Map<String, CompletableFuture<Void>> confirmations = new ConcurrentHashMap<>();
    private final CopyOnWriteArrayList<Runnable> recoveryActions = new CopyOnWriteArrayList<>();
    private final ExecutorService delivery = Executors.newSingleThreadExecutor(runnable -> {
        var thread = new Thread(runnable, "chat-fanout-redis");
        thread.setDaemon(true);
        return thread;
    });
    private BiConsumer<String, String> listener;
    /** The subscriber connection, open or opening; null after it was lost. Guarded by this. */
    private Future<RedisConnection> subscriber;
    private volatile boolean closed;

    /**
     * @param client  publishes on its pooled connections and lends one of them to the subscriber
     * @param timeout how long {@link #bind} waits for Redis to confirm a subscription
     */
    public RedisFanout(Redis client, Vertx vertx, String prefix, MessagingTracer tracing, Duration timeout) {
        this.client = client;
        this.vertx = vertx;
        this.prefix = prefix;
        this.tracing = tracing;
        this.timeout = timeout;
    }

    @Override
    public void start(BiConsumer<String, String> listener) {
        this.listener = listener;
    }

    /** Subscribes the room's channel and waits for Redis' confirmation; when Redis is away, the reconnect subscribes it. */
    @Override
    public void bind(String room) {
        rooms.add(room);
        var channel = prefix + room;
        var confirmed = confirmations.computeIfAbsent(channel, c -> new CompletableFuture<>());
        try {
            connection().compose(conn -> conn.send(Request.cmd(Command.SUBSCRIBE).arg(channel)))
                    .onFailure(confirmed::completeExceptionally);
            confirmed.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            confirmations.remove(channel, confirmed);
            LOG.warnf("cannot subscribe room %s now (%s); the sweep delivers its messages meanwhile", room, e);
        }
    }

    @Override
    public void unbind(String room) {
        rooms.remove(room);
        Future<RedisConnection> open;
        synchronized (this) {
            open = subscriber;
        }
        // No subscriber now: the one opened next subscribes only the rooms still bound.
        if (open != null) {
            open.compose(conn -> conn.send(Request.cmd(Command.UNSUBSCRIBE).arg(prefix + room)))
                    .onFailure(e -> LOG.debugf("unsubscribe %s: %s", room, e.getMessage()));
        }
    }

    /** Best effort and asynchronous: the span ends when Redis answered. */
    @Override
    public void publish(String room, String payload) {
        var parent = Context.current();
        var span = Span.fromContext(parent).getSpanContext().isValid() ? span(tracing.publish(channelTemplate(), parent), room) : null;
        var envelope = new StringBuilder();
        if (span != null) {
            envelope.append(TRACED);
            tracing.inject(span, envelope, (out, name, value) -> out.append(name).append(": ").append(value).append('\n'));
            envelope.append('\n');
        }
        client.send(Request.cmd(Command.PUBLISH).arg(prefix + room).arg(envelope.append(payload).toString())).onComplete(result -> {
            if (result.failed()) {
                LOG.debugf("publish to %s failed (%s); the other nodes' sweeps find the message", room, result.cause().getMessage());
            }
            if (span != null) {
                span.end();
            }
        });
    }

    @Override
    public void onRecovery(Runnable action) {
        recoveryActions.add(action);
    }

    /** The subscriber connection: opened once, its handlers set before anything is written on it. */
    private synchronized Future<RedisConnection> connection() {
        if (subscriber == null) {
            var opened = Promise.<RedisConnection>promise();
            var opening = opened.future();
            subscriber = opening;
            client.connect().onComplete(result -> {
                if (result.failed()) {
                    lost(opening, result.cause().toString());
                    opened.fail(result.cause());
                    return;
                }
                var conn = result.result();
                conn.handler(this::onReply);
                conn.exceptionHandler(e -> lost(opening, e.toString()));
                conn.endHandler(ignored -> lost(opening, "closed"));
                opened.complete(conn);
            });
        }
        return subscriber;
    }

    /** Runs on the connection's event loop: confirmations are taken here, payloads go to the delivery thread. */
    private void onReply(Response reply) {
        if (reply == null || reply.size() < 3) {
            return;
        }
        var kind = reply.get(0).toString();
        var channel = reply.get(1).toString();
        if ("subscribe".equals(kind)) {
            var confirmed = confirmations.remove(channel);
            if (confirmed != null) {
                confirmed.complete(null);
            }
        } else if ("message".equals(kind) && channel.startsWith(prefix)) {
            var room = channel.substring(prefix.length());
            var message = reply.get(2).toString();
            delivery.execute(() -> consume(room, message));
        }
    }

    /** The subscriber is gone: open it again later and subscribe every bound room; then the rooms catch up. */
    private void lost(Future<RedisConnection> which, String why) {
        synchronized (this) {
            if (closed || subscriber != which) {
                return;
            }
            subscriber = null;
        }
        LOG.warnf("Redis fan-out subscriber lost (%s); subscribing again, the rooms catch up from history", why);
        vertx.setTimer(RECONNECT_MILLIS, id -> resubscribe());
    }

    /** One SUBSCRIBE for every bound room (none bound: the next bind connects). */
    private void resubscribe() {
        var channels = rooms.stream().map(room -> prefix + room).toList();
        if (closed || channels.isEmpty()) {
            return;
        }
        connection().compose(conn -> {
            var command = Request.cmd(Command.SUBSCRIBE);
            channels.forEach(command::arg);
            return conn.send(command);
        }).onSuccess(ignored -> recoveryActions.forEach(delivery::execute));
    }

    /** One arriving payload, processed in the trace its envelope carried (when it came in one). */
    private void consume(String room, String message) {
        if (!message.startsWith(TRACED)) {
            listener.accept(room, message);
            return;
        }
        // Header lines up to the empty one; the payload is everything after it.
        var headers = new HashMap<String, Object>();
        var at = TRACED.length();
        while (at < message.length() && message.charAt(at) != '\n') {
            var end = message.indexOf('\n', at);
            var line = message.substring(at, end < 0 ? message.length() : end);
            var colon = line.indexOf(": ");
            if (colon > 0) {
                headers.put(line.substring(0, colon), line.substring(colon + 2));
            }
            at = end < 0 ? message.length() : end + 1;
        }
        var payload = message.substring(Math.min(at + 1, message.length()));
        var span = span(tracing.process(channelTemplate(), tracing.extract(headers, MessagingTracer.MAP_HEADERS)), room);
        try (var scope = span.makeCurrent()) {
            listener.accept(room, payload);
        } finally {
            span.end();
        }
    }

    /** Span names stay few (one per operation, not per room); the room's channel is an attribute. */
    private String channelTemplate() {
        return prefix + "{room}";
    }

    private Span span(SpanBuilder builder, String room) {
        return builder.setAttribute("messaging.destination.template", channelTemplate())
                .setAttribute("messaging.destination.name", prefix + room).startSpan();
    }

    /** Unsubscribes everything (so the connection goes back to the pool clean) and stops the delivery thread. */
    @Override
    public void close() {
        closed = true;
        Future<RedisConnection> open;
        synchronized (this) {
            open = subscriber;
            subscriber = null;
        }
        if (open != null && open.succeeded()) {
            open.result().send(Request.cmd(Command.UNSUBSCRIBE)).onComplete(ignored -> open.result().close());
        }
        delivery.shutdownNow();
    }
}
