package dev.sandbox.chat.room;

import io.quarkus.websockets.next.CloseReason;

/**
 * The close codes of protocol v2 (unchanged since v1) (4000-4999 is the range RFC 6455 leaves to applications). A
 * client reconnects after each of them except {@link #TOO_MANY_BAD_FRAMES}.
 */
public final class CloseCodes {

    /** The connection's outbound queue overflowed: it read slower than the room wrote. Resume from your last seq. */
    public static final CloseReason SLOW_CONSUMER = new CloseReason(4008, "slow consumer");
    /** The room's history was lost (Redis came back empty): reconnect; the welcome carries the new epoch. */
    public static final CloseReason HISTORY_RESET = new CloseReason(4009, "history reset");
    /** The client kept sending frames it had been told were bad. */
    public static final CloseReason TOO_MANY_BAD_FRAMES = new CloseReason(4003, "too many bad frames");
    /** The node could not open the room (its store failed): reconnect (to any node) and resume. */
    public static final CloseReason UNAVAILABLE = new CloseReason(1011, "unavailable");
    /** The node is shutting down: reconnect (to any node) and resume. */
    public static final CloseReason GOING_AWAY = new CloseReason(1001, "node shutting down");

    private CloseCodes() {
    }
}
