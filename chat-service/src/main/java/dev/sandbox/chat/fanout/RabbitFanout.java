package dev.sandbox.chat.fanout;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

import org.jboss.logging.Logger;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.Recoverable;
import com.rabbitmq.client.RecoveryListener;

import dev.sandbox.common.telemetry.MessagingTracer;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;

/**
 * Fan-out through RabbitMQ: one topic exchange for all rooms (routing key = room name, which has
 * no wildcard characters), and one queue per node, exclusive and auto-deleted (a killed node's
 * queue goes with its connection), bound once per room that has members on this node. The client
 * library reconnects and re-declares queue, bindings and consumer after an outage; then the
 * recovery actions run so the rooms read what was published while the broker was away.
 *
 * <p>Tracing: a payload published inside a trace (a send) carries the W3C trace context in its
 * AMQP headers, under a {@code <exchange> publish} producer span; each node that consumes it
 * processes it (delivery to its members included) under a {@code <exchange> process} consumer span
 * parented on that context, so a send on one node and the delivery on another are one trace.
 * Presence and typing payloads, published outside any trace, carry none and make no spans.
 */
public final class RabbitFanout implements Fanout {

    /**
     * The consumer's callbacks run on the connection's reader thread, not on a consumer pool: one
     * thread hop less per message. The listener must then never wait on anything this connection's
     * replies end (RoomHub only tries a room's lock there; a bind's reply is read by this thread).
     */
    private static final ExecutorService ON_READER_THREAD = new AbstractExecutorService() {
        @Override
        public void execute(Runnable task) {
            task.run();
        }

        @Override
        public void shutdown() {
        }

        @Override
        public List<Runnable> shutdownNow() {
            return List.of();
        }

        @Override
        public boolean isShutdown() {
            return false;
        }

        @Override
        public boolean isTerminated() {
            return false;
        }

        @Override
        public boolean awaitTermination(long timeout, TimeUnit unit) {
            return true;
        }
    };

    private static final Logger LOG = Logger.getLogger(RabbitFanout.class);
    /** The semantic-convention attribute for RabbitMQ's routing key (here: the room). */
    private static final String ROUTING_KEY = "messaging.rabbitmq.destination.routing_key";

    private final ConnectionFactory factory;
    private final String exchange;
    private final String queue;
    private final MessagingTracer tracing;
    private final Set<String> bound = ConcurrentHashMap.newKeySet();
    private final CopyOnWriteArrayList<Runnable> recoveryActions = new CopyOnWriteArrayList<>();
    private BiConsumer<String, String> listener;
    private Connection connection;
    private Channel consumer;
    private Channel publisher;
    private long lastAttempt;

    public RabbitFanout(ConnectionFactory factory, String exchange, String queue, MessagingTracer tracing) {
        this.factory = factory;
        this.exchange = exchange;
        this.queue = queue;
        this.tracing = tracing;
    }

    @Override
    public synchronized void start(BiConsumer<String, String> listener) {
        this.listener = listener;
        connectIfNeeded();
    }

    /** Connects (first time, or after a start without broker); the library's recovery takes over from then on. */
    private synchronized boolean connectIfNeeded() {
        if (connection != null) {
            return true;
        }
        // While the broker is away at start, try at most every two seconds, not on every send.
        var now = System.nanoTime();
        if (now - lastAttempt < 2_000_000_000L && lastAttempt != 0) {
            return false;
        }
        lastAttempt = now;
        try {
            var conn = factory.newConnection(ON_READER_THREAD, "chat-fanout-" + queue);
            var in = conn.createChannel();
            in.exchangeDeclare(exchange, "topic", false, false, Map.of());
            in.queueDeclare(queue, false, true, true, Map.of());
            for (var room : bound) {
                in.queueBind(queue, exchange, room);
            }
            in.basicConsume(queue, true, (tag, delivery) -> consume(delivery.getEnvelope().getRoutingKey(),
                    delivery.getProperties().getHeaders(), new String(delivery.getBody(), StandardCharsets.UTF_8)), tag -> { });
            publisher = conn.createChannel();
            ((Recoverable) conn).addRecoveryListener(new RecoveryListener() {
                @Override
                public void handleRecovery(Recoverable recoverable) {
                    LOG.info("RabbitMQ connection recovered; rooms catch up from history");
                    recoveryActions.forEach(Runnable::run);
                }

                @Override
                public void handleRecoveryStarted(Recoverable recoverable) {
                }
            });
            consumer = in;
            connection = conn;
            if (!bound.isEmpty()) {
                recoveryActions.forEach(Runnable::run);
            }
            return true;
        } catch (Exception e) {
            LOG.warnf("RabbitMQ not reachable yet (%s); fan-out waits for it, history sweeps cover the gap", e.getMessage());
            return false;
        }
    }

    @Override
    public void bind(String room) {
        bound.add(room);
        synchronized (this) {
            if (!connectIfNeeded()) {
                return;
            }
            try {
                consumer.queueBind(queue, exchange, room);
            } catch (Exception e) {
                LOG.warnf("cannot bind room %s now (%s); the sweep delivers its messages meanwhile", room, e.getMessage());
            }
        }
    }

    @Override
    public void unbind(String room) {
        bound.remove(room);
        synchronized (this) {
            if (connection == null) {
                return;
            }
            try {
                consumer.queueUnbind(queue, exchange, room);
            } catch (Exception e) {
                LOG.debugf("cannot unbind room %s: %s", room, e.getMessage());
            }
        }
    }

    @Override
    public void publish(String room, String payload) {
        synchronized (this) {
            if (!connectIfNeeded()) {
                return;
            }
            var parent = Context.current();
            var span = Span.fromContext(parent).getSpanContext().isValid()
                    ? tracing.publish(exchange, parent).setAttribute(ROUTING_KEY, room).startSpan()
                    : null;
            var headers = new HashMap<String, Object>();
            if (span != null) {
                tracing.inject(span, headers, Map::put);
            }
            try {
                publisher.basicPublish(exchange, room, new AMQP.BasicProperties.Builder().contentType("text/plain").headers(headers).build(),
                        payload.getBytes(StandardCharsets.UTF_8));
            } catch (Exception e) {
                LOG.debugf("publish to %s failed (%s); the other nodes' sweeps find the message", room, e.getMessage());
            } finally {
                if (span != null) {
                    span.end();
                }
            }
        }
    }

    /** One arriving payload, processed in the trace it was published in (when it was). */
    private void consume(String room, Map<String, Object> headers, String payload) {
        var carried = headers == null ? Context.root() : tracing.extract(headers, MessagingTracer.MAP_HEADERS);
        if (!Span.fromContext(carried).getSpanContext().isValid()) {
            listener.accept(room, payload);
            return;
        }
        var span = tracing.process(exchange, carried).setAttribute(ROUTING_KEY, room).startSpan();
        try (var scope = span.makeCurrent()) {
            listener.accept(room, payload);
        } finally {
            span.end();
        }
    }

    @Override
    public void onRecovery(Runnable action) {
        recoveryActions.add(action);
    }

    @Override
    public synchronized void close() {
        if (connection != null) {
            try {
                connection.close(1_000);
            } catch (Exception e) {
                // shutting down anyway
            }
        }
    }
}
