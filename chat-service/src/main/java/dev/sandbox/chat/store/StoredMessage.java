package dev.sandbox.chat.store;

/**
 * One message as the room's history holds it: its seq and the {@code message} frame exactly as
 * every member receives it (built once, so a replay and a live delivery are byte for byte the same).
 */
public record StoredMessage(long seq, String frame) {

    private static final String TS = ",\"ts\":";

    /**
     * The frame's {@code ts}: the sender's node stamps it just before the store, in epoch
     * milliseconds. Read without parsing the frame: {@code ts} is its last field, and no text can
     * end in {@code ,"ts":} (a quote inside a string is escaped). -1 if the frame has none.
     */
    public long ts() {
        var at = frame.lastIndexOf(TS);
        if (at < 0) {
            return -1;
        }
        var end = at + TS.length();
        while (end < frame.length() && Character.isDigit(frame.charAt(end))) {
            end++;
        }
        return end > at + TS.length() ? Long.parseLong(frame, at + TS.length(), end, 10) : -1;
    }
}
