package dev.sandbox.chat.room;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.sandbox.chat.ChatConfig;
import dev.sandbox.chat.auth.ChatUpgradeCheck;
import io.quarkus.websockets.next.OnBinaryMessage;
import io.quarkus.websockets.next.OnClose;
import io.quarkus.websockets.next.OnError;
import io.quarkus.websockets.next.OnOpen;
import io.quarkus.websockets.next.OnTextMessage;
import io.quarkus.websockets.next.UserData;
import io.quarkus.websockets.next.WebSocket;
import io.quarkus.websockets.next.WebSocketConnection;
import io.vertx.core.buffer.Buffer;

/**
 * Protocol v2 (docs/chat.md; v2 added the {@code traceId} of {@code sent}): {@code welcome} first, then the replay above {@code lastSeq}, then
 * live. Every bad frame is answered with an {@code error} frame and counted; the connection is closed
 * (4003) only after {@code chat.max-bad-frames} of them. Nothing a client sends makes a server error:
 * a Redis failure on send is an {@code unavailable} error telling the client to retry the same
 * {@code clientMsgId}. Frames of one connection are handled one at a time, on a worker thread.
 */
@WebSocket(path = "/chat/rooms/{room}")
public class ChatSocket {

    /** The protocol version the welcome announces. */
    static final int PROTOCOL = 2;

    private static final Logger LOG = Logger.getLogger(ChatSocket.class);
    private static final UserData.TypedKey<Session> SESSION = new UserData.TypedKey<>("chat.session");
    private static final UserData.TypedKey<Integer> BAD = UserData.TypedKey.forInt("chat.bad");
    private static final UserData.TypedKey<long[]> BUCKET = new UserData.TypedKey<>("chat.bucket");

    private final RoomHub hub;
    private final ChatConfig config;
    private final ObjectMapper json;

    public ChatSocket(RoomHub hub, ChatConfig config, ObjectMapper json) {
        this.hub = hub;
        this.config = config;
        this.json = json;
    }

    @OnOpen
    void open(WebSocketConnection connection) {
        var user = connection.userData().get(ChatUpgradeCheck.USER);
        var room = connection.pathParam("room");
        var query = Query.parse(connection.handshakeRequest().query());
        var session = Session.member(connection, user, room, config.outboundQueue(), hub.reliable());
        connection.userData().put(SESSION, session);
        try {
            hub.open(session, query.longValue("lastSeq"), query.get("epoch"));
        } catch (Exception e) {
            // Redis failed while joining: the client reconnects (to any node) and resumes.
            LOG.debugf("open in %s failed: %s", room, e.getMessage());
            connection.userData().remove(SESSION);
            session.close(CloseCodes.UNAVAILABLE);
        }
    }

    @OnTextMessage
    void text(WebSocketConnection connection, String frame) {
        var session = connection.userData().get(SESSION);
        if (session == null) {
            return;
        }
        if (frame.length() > config.maxTextBytes() * 2L + 1024) {
            bad(connection, session, "too-large", "A frame carries at most " + config.maxTextBytes() + " bytes of text");
            return;
        }
        JsonNode node;
        try {
            node = json.readTree(frame);
        } catch (Exception e) {
            bad(connection, session, "bad-frame", "Not JSON: a frame is a JSON object with a type");
            return;
        }
        if (node == null || !node.isObject() || !node.path("type").isTextual()) {
            bad(connection, session, "bad-frame", "A frame is a JSON object with a string type");
            return;
        }
        switch (node.get("type").asText()) {
            case "send" -> send(connection, session, node);
            case "ack" -> {
                var seq = node.get("seq");
                if (seq == null || !seq.canConvertToLong() || !seq.isIntegralNumber() || seq.asLong() < 0) {
                    bad(connection, session, "bad-frame", "ack needs a seq, a whole number >= 0");
                    return;
                }
                try {
                    hub.ack(session, seq.asLong());
                } catch (Exception e) {
                    session.send(error("unavailable", "Receipt not recorded: the store is unavailable, ack again later"));
                }
            }
            case "typing" -> hub.typing(session);
            case "ping" -> session.send("{\"type\":\"pong\"}");
            default -> bad(connection, session, "unknown-type", "Protocol v2 frames: send, ack, typing, ping");
        }
    }

    private void send(WebSocketConnection connection, Session session, JsonNode node) {
        var clientMsgId = node.get("clientMsgId");
        var text = node.get("text");
        if (clientMsgId == null || !clientMsgId.isTextual() || clientMsgId.asText().isEmpty() || clientMsgId.asText().length() > 64) {
            bad(connection, session, "bad-frame", "send needs a clientMsgId: a string of 1 to 64 characters");
            return;
        }
        if (text == null || !text.isTextual() || text.asText().isEmpty()) {
            bad(connection, session, "bad-frame", "send needs a text: a non-empty string");
            return;
        }
        if (text.asText().getBytes(StandardCharsets.UTF_8).length > config.maxTextBytes()) {
            bad(connection, session, "too-large", "A text is at most " + config.maxTextBytes() + " bytes in UTF-8");
            return;
        }
        if (!takeToken(connection)) {
            session.send(error("rate-limited", "At most " + config.sendsPerSecond() + " sends per second; retry the same clientMsgId"));
            return;
        }
        try {
            var result = hub.post(session, clientMsgId.asText(), text.asText());
            var sent = new LinkedHashMap<String, Object>();
            sent.put("type", "sent");
            sent.put("clientMsgId", clientMsgId.asText());
            sent.put("seq", result.posted().seq());
            sent.put("msgId", result.posted().msgId());
            if (result.traceId() != null) {
                sent.put("traceId", result.traceId());
            }
            session.send(hub.frame(sent));
        } catch (Exception e) {
            LOG.debugf("send in %s not stored: %s", session.room(), e.getMessage());
            session.send(error("unavailable", "Not stored: the store is unavailable; retry the same clientMsgId"));
        }
    }

    /** A token bucket per connection: {@code chat.sends-per-second}, with a burst of the same size. */
    private boolean takeToken(WebSocketConnection connection) {
        var bucket = connection.userData().get(BUCKET);
        var now = System.nanoTime();
        var rate = config.sendsPerSecond();
        if (bucket == null) {
            bucket = new long[] {now, rate};
            connection.userData().put(BUCKET, bucket);
        }
        var refill = (now - bucket[0]) * rate / 1_000_000_000L;
        if (refill > 0) {
            bucket[1] = Math.min(rate, bucket[1] + refill);
            bucket[0] = now;
        }
        if (bucket[1] <= 0) {
            return false;
        }
        bucket[1]--;
        return true;
    }

    @OnBinaryMessage
    void binary(WebSocketConnection connection, Buffer data) {
        var session = connection.userData().get(SESSION);
        if (session != null) {
            bad(connection, session, "bad-frame", "Protocol v2 has text frames only");
        }
    }

    @OnClose
    void close(WebSocketConnection connection) {
        var session = connection.userData().get(SESSION);
        if (session != null) {
            hub.leave(session);
        }
    }

    @OnError
    void error(WebSocketConnection connection, Throwable failure) {
        // Never a server error for the client: log, and tell it plainly.
        LOG.debugf("websocket error in %s: %s", connection.pathParam("room"), failure.toString());
        var session = connection.userData().get(SESSION);
        if (session != null) {
            session.send(error("bad-frame", "The frame could not be handled"));
        } else {
            connection.close(new io.quarkus.websockets.next.CloseReason(1011, "unavailable")).subscribe().with(ok -> { }, f -> { });
        }
    }

    private void bad(WebSocketConnection connection, Session session, String code, String reason) {
        var count = connection.userData().get(BAD);
        count = count == null ? 1 : count + 1;
        connection.userData().put(BAD, count);
        session.send(error(code, reason));
        if (count > config.maxBadFrames()) {
            session.close(CloseCodes.TOO_MANY_BAD_FRAMES);
        }
    }

    private String error(String code, String reason) {
        return hub.frame(Map.of("type", "error", "code", code, "reason", reason));
    }
}
