package dev.sandbox.chat.room;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import dev.sandbox.common.context.NoPropagation;
import io.quarkus.websockets.next.CloseReason;
import io.quarkus.websockets.next.WebSocketConnection;

/** A member's websocket: one text frame per frame. */
record WebSocketOutlet(WebSocketConnection connection) implements Outlet {

    @Override
    public String id() {
        return connection.id();
    }

    @Override
    public CompletionStage<?> write(String frame, long seq) {
        // The completion only starts the session's next write: it needs no context, and capturing and
        // restoring Quarkus' contexts around each frame's callbacks was a sixth of a node's samples
        // (see NoPropagation). A plain future: subscribeAsCompletionStage returns a context-capturing one.
        var written = new CompletableFuture<Void>();
        NoPropagation.assemble(() -> connection.sendText(frame).subscribe().with(written::complete, written::completeExceptionally));
        return written;
    }

    @Override
    public void close(CloseReason reason) {
        connection.close(reason).subscribe().with(ok -> { }, failure -> { });
    }
}
