package dev.sandbox.chat.store;

/**
 * Every Redis key of a room. The room name sits in braces (a Redis Cluster hash tag) so that a
 * room's keys share a slot and its Lua scripts stay legal on a cluster.
 */
public record Keys(String namespace) {

    public String seq(String room) {
        return namespace + ":{" + room + "}:seq";
    }

    public String history(String room) {
        return namespace + ":{" + room + "}:history";
    }

    public String epoch(String room) {
        return namespace + ":{" + room + "}:epoch";
    }

    public String dedupe(String room, String user, String clientMsgId) {
        return namespace + ":{" + room + "}:dedupe:" + user.length() + ":" + user + ":" + clientMsgId;
    }

    public String receipts(String room) {
        return namespace + ":{" + room + "}:receipts";
    }

    public String presence(String room) {
        return namespace + ":{" + room + "}:presence";
    }

    /** The presence entries a node owns (member {@code room\nentry}), removed when it starts again. */
    public String nodePresence(String node) {
        return namespace + ":node:" + node + ":presence";
    }
}
