package dev.sandbox.chat.room;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.eclipse.microprofile.context.ThreadContext;

import io.quarkus.websockets.next.CloseReason;
import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.context.SmallRyeThreadContext;

/** A member's websocket: one text frame per frame. */
record WebSocketOutlet(WebSocketConnection connection) implements Outlet {

    /**
     * Propagates no context at all. A write's completion only starts the session's next write, which
     * needs no request scope, span or MDC; with Quarkus' default context, Mutiny would capture and
     * restore all of them around every callback of every frame (a sixth of a chat node's event-loop
     * time under {@code ./sandbox bench chat}).
     */
    private static final SmallRyeThreadContext NO_CONTEXT = (SmallRyeThreadContext) ThreadContext.builder()
            .propagated().cleared().unchanged(ThreadContext.ALL_REMAINING).build();

    @Override
    public String id() {
        return connection.id();
    }

    @Override
    public CompletionStage<?> write(String frame, long seq) {
        // A plain future, completed by callbacks Mutiny leaves undecorated under NO_CONTEXT
        // (subscribeAsCompletionStage would return a context-capturing one).
        var written = new CompletableFuture<Void>();
        try (var none = SmallRyeThreadContext.withThreadContext(NO_CONTEXT)) {
            connection.sendText(frame).subscribe().with(written::complete, written::completeExceptionally);
        }
        return written;
    }

    @Override
    public void close(CloseReason reason) {
        connection.close(reason).subscribe().with(ok -> { }, failure -> { });
    }
}
