package dev.sandbox.chat.fanout;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

import org.jboss.logging.Logger;

import dev.sandbox.common.telemetry.MessagingTracer;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.context.Context;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.pubsub.PubSubCommands;

/**
 * Fan-out through Redis pub/sub, one channel per room: the comparison point for RabbitMQ. Fire and
 * forget: a node that is not subscribed at that instant (reconnecting, or Redis restarting) never
 * sees the payload, and nothing is queued for a slow node; the history sweep covers both.
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

    private final PubSubCommands<String> pubsub;
    private final String prefix;
    private final MessagingTracer tracing;
    private final Map<String, PubSubCommands.RedisSubscriber> subscribers = new ConcurrentHashMap<>();
    private BiConsumer<String, String> listener;

    public RedisFanout(RedisDataSource redis, String prefix, MessagingTracer tracing) {
        this.pubsub = redis.pubsub(String.class);
        this.prefix = prefix;
        this.tracing = tracing;
    }

    @Override
    public void start(BiConsumer<String, String> listener) {
        this.listener = listener;
    }

    @Override
    public void bind(String room) {
        subscribers.computeIfAbsent(room, r -> pubsub.subscribe(prefix + r, payload -> consume(r, payload)));
    }

    @Override
    public void unbind(String room) {
        var subscriber = subscribers.remove(room);
        if (subscriber != null) {
            try {
                subscriber.unsubscribe();
            } catch (Exception e) {
                LOG.debugf("unsubscribe %s: %s", room, e.getMessage());
            }
        }
    }

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
        try {
            pubsub.publish(prefix + room, envelope.append(payload).toString());
        } catch (Exception e) {
            LOG.debugf("publish to %s failed (%s); the other nodes' sweeps find the message", room, e.getMessage());
        } finally {
            if (span != null) {
                span.end();
            }
        }
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
}
