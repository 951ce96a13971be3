package dev.sandbox.chat.follow;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.sandbox.chat.ChatConfig;
import dev.sandbox.chat.auth.ChatAuth;
import dev.sandbox.chat.auth.RoomNames;
import dev.sandbox.chat.room.CloseCodes;
import dev.sandbox.chat.room.RoomHub;
import dev.sandbox.chat.room.Session;
import dev.sandbox.common.problem.Problem;
import dev.sandbox.common.problem.ProblemException;
import dev.sandbox.common.problem.ProblemTypes;
import io.quarkus.runtime.ShutdownDelayInitiatedEvent;
import io.quarkus.vertx.http.runtime.RouteConstants;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code GET /chat/rooms/{room}/stream}: the room for read-only followers, as server-sent events.
 * The same token as the REST endpoints (bearer header or {@code ?token=}); refusals are problem+json
 * before the stream starts (401, 403, 400 for a bad room or a bad {@code Last-Event-ID}/{@code lastSeq}).
 *
 * <p>Same seq semantics as the websocket, from the same code: the follower is a {@link Session}
 * (outbound queue, replay/live seam) opened by {@link RoomHub#open}. The event id is the seq;
 * {@code Last-Event-ID} (what a browser's {@code EventSource} sends when it reconnects by itself)
 * or else {@code lastSeq} resumes after that seq: replay, then live, no gap and no duplicate at the
 * seam. A follower is not a member: it is not listed in presence and cannot send. A comment line
 * every {@link #KEEPALIVE_MS} keeps proxies from closing a quiet stream and finds dead peers.
 */
@ApplicationScoped
public class FollowerStream {

    private static final Logger LOG = Logger.getLogger(FollowerStream.class);
    static final long KEEPALIVE_MS = 15_000;

    private final RoomHub hub;
    private final ChatAuth auth;
    private final ChatConfig config;
    private final ObjectMapper json;
    private final Set<Session> open = ConcurrentHashMap.newKeySet();

    FollowerStream(RoomHub hub, ChatAuth auth, ChatConfig config, ObjectMapper json) {
        this.hub = hub;
        this.auth = auth;
        this.config = config;
        this.json = json;
    }

    void register(@Observes Router router) {
        // Blocking: the token check may fetch the gateway's keys, and opening reads Redis.
        router.get("/chat/rooms/:room/stream").order(RouteConstants.ROUTE_ORDER_BEFORE_DEFAULT).blockingHandler(this::follow, false);
    }

    /**
     * A stream never ends by itself, so graceful shutdown would wait for it until its timeout: end
     * every stream when shutdown starts. Followers reconnect to another node with Last-Event-ID.
     */
    void onShutdown(@Observes ShutdownDelayInitiatedEvent event) {
        open.forEach(session -> session.close(CloseCodes.GOING_AWAY));
    }

    private void follow(RoutingContext context) {
        var request = context.request();
        var room = context.pathParam("room");
        String user;
        Long lastSeq;
        try {
            user = auth.user(request.getHeader("Authorization"), request.getParam("token"));
            RoomNames.require(room);
            var lastEventId = request.getHeader("Last-Event-ID");
            lastSeq = lastEventId != null ? seq("Last-Event-ID", lastEventId) : seq("lastSeq", request.getParam("lastSeq"));
        } catch (ProblemException e) {
            problem(context, e);
            return;
        }
        var response = context.response();
        var session = new Session(new SseOutlet(response, "sse-" + UUID.randomUUID()), user, room, config.outboundQueue(),
                hub.reliable(), true);
        var left = new AtomicBoolean();
        var keepalive = context.vertx().setPeriodic(KEEPALIVE_MS, tick -> {
            if (!response.ended() && !response.closed()) {
                response.write(": keepalive\n\n");
            }
        });
        Runnable leave = () -> {
            if (left.compareAndSet(false, true)) {
                open.remove(session);
                context.vertx().cancelTimer(keepalive);
                hub.leave(session);
            }
        };
        open.add(session);
        response.closeHandler(closed -> leave.run());
        response.endHandler(ended -> leave.run());
        response.setChunked(true)
                .putHeader("Content-Type", "text/event-stream; charset=utf-8")
                .putHeader("Cache-Control", "no-cache")
                .putHeader("X-Accel-Buffering", "no");
        try {
            hub.open(session, lastSeq, request.getParam("epoch"));
        } catch (Exception e) {
            LOG.debugf("stream of %s not opened: %s", room, e.getMessage());
            leave.run();
            if (!response.headWritten()) {
                problem(context, new ProblemException(503, ProblemTypes.DATABASE_UNAVAILABLE, "Store unavailable",
                        "The room's history cannot be read just now; reconnect with the same Last-Event-ID.", List.of(),
                        Map.of("Retry-After", "1")));
            } else {
                response.end();
            }
        }
    }

    /** A seq to resume after: absent is none, anything but a whole number >= 0 is a 400. */
    private static Long seq(String field, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            var seq = Long.parseLong(value.trim());
            if (seq >= 0) {
                return seq;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw ProblemException.badRequest(field + " must be a whole number >= 0 (the seq to resume after)",
                List.of(new Problem.FieldError(field, "must be a whole number >= 0")));
    }

    private void problem(RoutingContext context, ProblemException failure) {
        var problem = failure.problem().withInstance(context.request().path());
        var response = context.response().setStatusCode(problem.status()).putHeader("Content-Type", Problem.MEDIA_TYPE);
        failure.headers().forEach(response::putHeader);
        if (problem.status() == 401) {
            response.putHeader("WWW-Authenticate", "Bearer");
        }
        try {
            response.end(json.writeValueAsString(problem));
        } catch (JsonProcessingException e) {
            response.setStatusCode(500).end();
        }
    }
}
