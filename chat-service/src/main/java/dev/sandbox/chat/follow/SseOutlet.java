package dev.sandbox.chat.follow;

import java.util.concurrent.CompletionStage;

import dev.sandbox.chat.room.CloseCodes;
import dev.sandbox.chat.room.Outlet;
import io.quarkus.websockets.next.CloseReason;
import io.vertx.core.http.HttpServerResponse;

/**
 * A follower's server-sent-events stream. A {@code message} frame is an event of the default type
 * with {@code id: <seq>}, so a browser's {@code EventSource} resumes by itself with
 * {@code Last-Event-ID}; every other frame is an event named after its type ({@code welcome},
 * {@code presence}...). Frames are single-line JSON, so each is one {@code data:} line.
 */
final class SseOutlet implements Outlet {

    private static final String TYPE_KEY = "\"type\":\"";

    private final HttpServerResponse response;
    private final String id;

    SseOutlet(HttpServerResponse response, String id) {
        this.response = response;
        this.id = id;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public CompletionStage<?> write(String frame, long seq) {
        var event = seq > 0 ? "id: " + seq + "\ndata: " + frame + "\n\n" : "event: " + type(frame) + "\ndata: " + frame + "\n\n";
        return response.write(event).toCompletionStage();
    }

    /**
     * Ends the stream with a {@code close} event carrying the code a websocket would get. After a
     * history reset the event also sets the last event id to 0, so the browser's automatic
     * reconnect replays the new epoch from its start instead of resuming from a seq it no longer has.
     */
    @Override
    public void close(CloseReason reason) {
        if (response.ended() || response.closed()) {
            return;
        }
        var reset = reason.getCode() == CloseCodes.HISTORY_RESET.getCode() ? "id: 0\n" : "";
        response.write(reset + "event: close\ndata: {\"type\":\"close\",\"code\":" + reason.getCode() + ",\"reason\":\""
                + reason.getMessage() + "\"}\n\n");
        response.end();
    }

    /** The frame's type (JSON escapes quotes inside strings, so {@code "type":"} is only ever the key). */
    private static String type(String frame) {
        var start = frame.indexOf(TYPE_KEY) + TYPE_KEY.length();
        return frame.substring(start, frame.indexOf('"', start));
    }
}
