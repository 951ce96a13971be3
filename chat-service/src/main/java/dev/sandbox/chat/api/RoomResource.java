package dev.sandbox.chat.api;

import java.util.List;
import java.util.Map;

import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import dev.sandbox.chat.auth.ChatAuth;
import dev.sandbox.chat.auth.RoomNames;
import dev.sandbox.chat.presence.Presence;
import dev.sandbox.chat.store.MessageStore;
import dev.sandbox.common.problem.Problem;
import dev.sandbox.common.problem.ProblemException;
import io.smallrye.common.annotation.Blocking;

/**
 * A room over plain HTTP: its history page by page ({@code after} a seq, {@code limit} at most
 * 500), its read receipts and who is online. The same token as the websocket, as a header or
 * {@code ?token=}.
 */
@Path("/chat/rooms/{room}")
@Produces(MediaType.APPLICATION_JSON)
@Blocking
public class RoomResource {

    private final MessageStore store;
    private final Presence presence;
    private final ChatAuth auth;

    public RoomResource(MessageStore store, Presence presence, ChatAuth auth) {
        this.store = store;
        this.presence = presence;
        this.auth = auth;
    }

    /** The page: {@code epoch}, {@code headSeq} and the {@code message} frames, exactly as delivered live. */
    public record HistoryPage(String room, String epoch, long headSeq, List<Map<String, Object>> messages) {
    }

    @GET
    @Path("/messages")
    public HistoryPage messages(@PathParam("room") String room, @QueryParam("after") @DefaultValue("0") String afterParam,
            @QueryParam("limit") @DefaultValue("100") String limitParam, @HeaderParam("Authorization") String authorization,
            @QueryParam("token") String token) {
        auth.user(authorization, token);
        RoomNames.require(room);
        var after = number("after", afterParam, 0, Long.MAX_VALUE);
        var limit = (int) number("limit", limitParam, 1, 500);
        var head = store.head(room);
        var messages = store.after(room, after, limit).stream().map(message -> Frames.parse(message.frame())).toList();
        return new HistoryPage(room, head.epoch(), head.seq(), messages);
    }

    private static long number(String field, String value, long min, long max) {
        try {
            var number = Long.parseLong(value.trim());
            if (number >= min && number <= max) {
                return number;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw ProblemException.badRequest(field + " must be a whole number from " + min + " to " + max,
                List.of(new Problem.FieldError(field, "must be a whole number from " + min + " to " + max)));
    }

    public record Receipts(String room, Map<String, Long> readUpTo) {
    }

    @GET
    @Path("/receipts")
    public Receipts receipts(@PathParam("room") String room, @HeaderParam("Authorization") String authorization,
            @QueryParam("token") String token) {
        auth.user(authorization, token);
        RoomNames.require(room);
        return new Receipts(room, store.receipts(room));
    }

    public record Online(String room, List<String> online) {
    }

    @GET
    @Path("/presence")
    public Online presence(@PathParam("room") String room, @HeaderParam("Authorization") String authorization,
            @QueryParam("token") String token) {
        auth.user(authorization, token);
        RoomNames.require(room);
        return new Online(room, presence.online(room));
    }
}
