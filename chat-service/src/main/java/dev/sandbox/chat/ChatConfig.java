package dev.sandbox.chat;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * The chat node's settings and its design switches (docs/chat.md says what each naive choice
 * breaks). Every node of a deployment shares the Redis keys and the RabbitMQ exchange; only
 * {@link #nodeId()} differs.
 */
@ConfigMapping(prefix = "chat")
public interface ChatConfig {

    /** How a message reaches the other nodes' members. */
    @WithDefault("rabbitmq")
    Fanout fanout();

    /** Resume, dedupe and reorder ({@code reliable}) or live frames only ({@code naive}). */
    @WithDefault("reliable")
    Delivery delivery();

    /**
     * This node's name, stable across its restarts: its RabbitMQ queue and the presence entries it
     * owns are named after it, so a restarted node can remove what its previous life left behind.
     */
    @WithDefault("${HOSTNAME:chat-node}-${quarkus.http.port}")
    String nodeId();

    /** Prefix of every Redis key and of the RabbitMQ exchange (tests give each run its own). */
    @WithDefault("chat")
    String namespace();

    /** Messages kept per room; older ones are trimmed (a resume from before them starts at the oldest kept). */
    @WithDefault("10000")
    int retention();

    /** How long a {@code clientMsgId} is remembered per user and room. */
    @WithDefault("24h")
    Duration dedupeWindow();

    /** How long a node waits for a missing seq before it reads it from history. */
    @WithDefault("300ms")
    Duration reorderTimeout();

    /** How often each node compares every local room with Redis' head seq (catches fan-out lost to a crash). */
    @WithDefault("1s")
    Duration sweepInterval();

    /** Frames queued per connection before the connection is closed as a slow consumer. */
    @WithDefault("1024")
    int outboundQueue();

    /** Largest {@code text} accepted, in UTF-8 bytes. */
    @WithDefault("16384")
    int maxTextBytes();

    /** Bad frames a connection may send before it is closed. */
    @WithDefault("20")
    int maxBadFrames();

    /** Sends per second per connection (a burst of the same size is allowed). */
    @WithDefault("50")
    int sendsPerSecond();

    /** A presence entry lives this long unless its node renews it. */
    @WithDefault("10s")
    Duration presenceTtl();

    /** How often a node renews its presence entries. */
    @WithDefault("3s")
    Duration heartbeat();

    enum Fanout {
        /** A topic exchange; one queue per node, bound per room that has local members. */
        RABBITMQ,
        /** Redis pub/sub, one channel per room: fire and forget, nothing queued for a slow node. */
        REDIS
    }

    enum Delivery {
        /** seq + durable history + resume + dedupe + per-room reorder. */
        RELIABLE,
        /** Live frames as they arrive: no replay on reconnect, no dedupe of retries, no reorder. */
        NAIVE
    }
}
