package dev.sandbox.chat.room;

import java.util.concurrent.CompletionStage;

import io.quarkus.websockets.next.CloseReason;

/**
 * Where a {@link Session}'s frames go: a websocket, or a server-sent-events stream. The session
 * owns order, the replay/live seam and the bounded queue; an outlet only writes one frame at a time.
 */
public interface Outlet {

    /** Unique per connection on this node (presence entries are named after it). */
    String id();

    /**
     * Writes one frame; the stage completes once it is written (the session starts the next write
     * only then) and fails when the peer is gone.
     *
     * @param seq the message's seq for a {@code message} frame, 0 for any other frame
     */
    CompletionStage<?> write(String frame, long seq);

    /** Ends the connection, telling the peer why where the transport can. */
    void close(CloseReason reason);
}
