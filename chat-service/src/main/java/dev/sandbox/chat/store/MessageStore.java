package dev.sandbox.chat.store;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.sandbox.chat.ChatConfig;
import dev.sandbox.common.redis.LuaScript;
import io.quarkus.redis.datasource.RedisDataSource;
import io.vertx.mutiny.redis.client.Response;

/**
 * A room's durable part, in Redis: one strictly increasing seq per room (INCR inside a Lua script,
 * so the seq, the history entry and the dedupe entry are written in one atomic step), the history
 * as a sorted set scored by seq and capped at {@code chat.retention}, and read receipts.
 *
 * <p>Redis runs without persistence in the sandbox: when it restarts, every room starts a new
 * <em>epoch</em> (a random id made by the first script that finds none) and seq starts at 1 again.
 * Clients are told (the welcome carries the epoch; a resume from another epoch is answered with
 * {@code reset: true}), so lost history is never a silent gap. Callers block: this runs on worker
 * threads, never on an event loop.
 */
@ApplicationScoped
public class MessageStore {

    private static final String FRAME_PREFIX = "{\"type\":\"message\",\"seq\":";

    private final RedisDataSource redis;
    private final ObjectMapper json;
    private final ChatConfig config;
    private final Keys keys;
    private final LuaScript post = LuaScript.resource(MessageStore.class, "/chat/post.lua");
    private final LuaScript head = LuaScript.resource(MessageStore.class, "/chat/head.lua");
    private final LuaScript ack = LuaScript.resource(MessageStore.class, "/chat/ack.lua");
    private final LuaScript rotate = LuaScript.resource(MessageStore.class, "/chat/rotate.lua");

    public MessageStore(RedisDataSource redis, ObjectMapper json, ChatConfig config) {
        this.redis = redis;
        this.json = json;
        this.config = config;
        this.keys = new Keys(config.namespace());
    }

    public Keys keys() {
        return keys;
    }

    /**
     * Stores a message and gives it the room's next seq, unless this user already posted
     * {@code clientMsgId} in this room (within the dedupe window): then the first post's seq and id
     * come back, marked duplicate, and nothing is stored. With {@code dedupe} off every call posts.
     */
    public Posted post(String room, String from, String clientMsgId, String text, boolean dedupe) {
        var msgId = UUID.randomUUID().toString();
        ObjectNode body = json.createObjectNode();
        body.put("msgId", msgId);
        body.put("clientMsgId", clientMsgId);
        body.put("from", from);
        body.put("text", text);
        body.put("ts", System.currentTimeMillis());
        String encoded;
        try {
            encoded = json.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        var reply = eval(post, List.of(keys.seq(room), keys.history(room), keys.epoch(room), keys.dedupe(room, from, clientMsgId)),
                List.of(newEpoch(), String.valueOf(config.retention()), encoded.substring(1), msgId,
                        String.valueOf(Math.max(1, config.dedupeWindow().toSeconds())), dedupe ? "1" : "0"));
        var duplicate = "1".equals(reply.get(3).toString());
        return new Posted(Long.parseLong(reply.get(0).toString()), reply.get(1).toString(), reply.get(2).toString(), duplicate,
                duplicate ? null : reply.get(4).toString());
    }

    /** The room's newest seq and its epoch (made now if the room has none). */
    public Head head(String room) {
        var reply = eval(head, List.of(keys.seq(room), keys.epoch(room)), List.of(newEpoch()));
        return new Head(Long.parseLong(reply.get(0).toString()), reply.get(1).toString());
    }

    /**
     * The room's history went backwards (its head is below a seq already handed out): starts a new
     * epoch unless someone else did, so clients are told instead of seeing a seq reused.
     */
    public Head rotateEpoch(String room, String seen) {
        eval(rotate, List.of(keys.epoch(room)), List.of(seen, newEpoch()));
        return head(room);
    }

    /** Up to {@code limit} messages with a seq above {@code after}, oldest first. */
    public List<StoredMessage> after(String room, long after, int limit) {
        var reply = redis.execute("ZRANGEBYSCORE", keys.history(room), "(" + after, "+inf", "LIMIT", "0", String.valueOf(limit));
        var messages = new ArrayList<StoredMessage>(reply.size());
        for (var member : reply) {
            var frame = member.toString();
            messages.add(new StoredMessage(seqOf(frame), frame));
        }
        return messages;
    }

    /** Every message above {@code after} up to {@code through}, read in pages. */
    public List<StoredMessage> range(String room, long after, long through) {
        var all = new ArrayList<StoredMessage>();
        var from = after;
        while (from < through) {
            var page = after(room, from, 500);
            for (var message : page) {
                if (message.seq() > through) {
                    return all;
                }
                all.add(message);
                from = message.seq();
            }
            if (page.size() < 500) {
                break;
            }
        }
        return all;
    }

    /** Records that {@code user} has read up to {@code seq}; never moves back. Returns the recorded seq. */
    public long ack(String room, String user, long seq) {
        var reply = eval(ack, List.of(keys.receipts(room)), List.of(user, String.valueOf(seq)));
        return reply.toLong();
    }

    public Map<String, Long> receipts(String room) {
        var reply = redis.execute("HGETALL", keys.receipts(room));
        var receipts = new LinkedHashMap<String, Long>();
        for (var key : reply.getKeys()) {
            receipts.put(key, reply.get(key).toLong());
        }
        return receipts;
    }

    public static long seqOf(String frame) {
        if (!frame.startsWith(FRAME_PREFIX)) {
            throw new IllegalStateException("not a stored message frame: " + frame.substring(0, Math.min(40, frame.length())));
        }
        var end = frame.indexOf(',', FRAME_PREFIX.length());
        return Long.parseLong(frame.substring(FRAME_PREFIX.length(), end));
    }

    /** The script by its digest, its text only when Redis does not have it (see {@link LuaScript}). */
    private Response eval(LuaScript script, List<String> keyList, List<String> args) {
        return script.run((command, scriptOrDigest) -> {
            var all = new ArrayList<String>(2 + keyList.size() + args.size());
            all.add(scriptOrDigest);
            all.add(String.valueOf(keyList.size()));
            all.addAll(keyList);
            all.addAll(args);
            return redis.execute(command.name(), all.toArray(String[]::new));
        });
    }

    private static String newEpoch() {
        return UUID.randomUUID().toString().substring(0, 8);
    }
}
