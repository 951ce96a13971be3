package dev.sandbox.chat.fanout;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

import org.jboss.logging.Logger;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.pubsub.PubSubCommands;

/**
 * Fan-out through Redis pub/sub, one channel per room: the comparison point for RabbitMQ. Fire and
 * forget: a node that is not subscribed at that instant (reconnecting, or Redis restarting) never
 * sees the payload, and nothing is queued for a slow node; the history sweep covers both.
 */
public final class RedisFanout implements Fanout {

    private static final Logger LOG = Logger.getLogger(RedisFanout.class);

    private final PubSubCommands<String> pubsub;
    private final String prefix;
    private final Map<String, PubSubCommands.RedisSubscriber> subscribers = new ConcurrentHashMap<>();
    private BiConsumer<String, String> listener;

    public RedisFanout(RedisDataSource redis, String prefix) {
        this.pubsub = redis.pubsub(String.class);
        this.prefix = prefix;
    }

    @Override
    public void start(BiConsumer<String, String> listener) {
        this.listener = listener;
    }

    @Override
    public void bind(String room) {
        subscribers.computeIfAbsent(room, r -> pubsub.subscribe(prefix + r, payload -> listener.accept(r, payload)));
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
        try {
            pubsub.publish(prefix + room, payload);
        } catch (Exception e) {
            LOG.debugf("publish to %s failed (%s); the other nodes' sweeps find the message", room, e.getMessage());
        }
    }
}
