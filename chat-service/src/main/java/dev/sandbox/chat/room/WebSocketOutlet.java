package dev.sandbox.chat.room;

import java.util.concurrent.CompletionStage;

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
        return connection.sendText(frame).subscribeAsCompletionStage();
    }

    @Override
    public void close(CloseReason reason) {
        connection.close(reason).subscribe().with(ok -> { }, failure -> { });
    }
}
