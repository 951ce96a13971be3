package dev.sandbox.chat.presence;

import java.util.List;
import java.util.TreeSet;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.sandbox.chat.ChatConfig;
import dev.sandbox.chat.store.Keys;
import io.quarkus.redis.datasource.RedisDataSource;

/**
 * Who is online in a room, in Redis: a sorted set per room whose members are
 * {@code node|connection|user} scored by the time the entry expires. A node renews its own entries
 * every heartbeat; an entry whose node died stops being renewed and drops out of
 * {@link #online} within {@code chat.presence-ttl}. Each node also keeps the set of entries it owns,
 * so that when it starts again (same {@code chat.node-id}) it removes what its previous life left.
 */
@ApplicationScoped
public class Presence {

    private static final Logger LOG = Logger.getLogger(Presence.class);

    private final RedisDataSource redis;
    private final ChatConfig config;
    private final Keys keys;

    public Presence(RedisDataSource redis, ChatConfig config) {
        this.redis = redis;
        this.config = config;
        this.keys = new Keys(config.namespace());
    }

    private String entry(String connection, String user) {
        return config.nodeId() + "|" + connection + "|" + user;
    }

    public void join(String room, String connection, String user) {
        var entry = entry(connection, user);
        redis.execute("ZADD", keys.presence(room), String.valueOf(expiry()), entry);
        redis.execute("SADD", keys.nodePresence(config.nodeId()), room + "\n" + entry);
    }

    public void leave(String room, String connection, String user) {
        var entry = entry(connection, user);
        try {
            redis.execute("ZREM", keys.presence(room), entry);
            redis.execute("SREM", keys.nodePresence(config.nodeId()), room + "\n" + entry);
        } catch (Exception e) {
            LOG.debugf("presence leave for %s in %s not written (%s): it expires", user, room, e.getMessage());
        }
    }

    /** Renews the entries of this node's open connections: (room, connection, user). */
    public void renew(List<String[]> entries) {
        var score = String.valueOf(expiry());
        for (var e : entries) {
            var entry = entry(e[1], e[2]);
            redis.execute("ZADD", keys.presence(e[0]), score, entry);
            redis.execute("SADD", keys.nodePresence(config.nodeId()), e[0] + "\n" + entry);
        }
    }

    /** The distinct users with a live entry, sorted; drops the expired entries on the way. */
    public List<String> online(String room) {
        var now = String.valueOf(System.currentTimeMillis());
        redis.execute("ZREMRANGEBYSCORE", keys.presence(room), "-inf", "(" + now);
        var users = new TreeSet<String>();
        for (var member : redis.execute("ZRANGEBYSCORE", keys.presence(room), now, "+inf")) {
            var entry = member.toString();
            users.add(entry.substring(entry.indexOf('|', entry.indexOf('|') + 1) + 1));
        }
        return List.copyOf(users);
    }

    /** At start: removes every entry this node id owned before (its previous process was killed). */
    public int removeLeftovers() {
        var owned = redis.execute("SMEMBERS", keys.nodePresence(config.nodeId()));
        var removed = 0;
        for (var member : owned) {
            var value = member.toString();
            var split = value.indexOf('\n');
            redis.execute("ZREM", keys.presence(value.substring(0, split)), value.substring(split + 1));
            removed++;
        }
        redis.execute("DEL", keys.nodePresence(config.nodeId()));
        return removed;
    }

    private long expiry() {
        return System.currentTimeMillis() + config.presenceTtl().toMillis();
    }
}
