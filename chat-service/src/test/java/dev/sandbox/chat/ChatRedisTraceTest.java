package dev.sandbox.chat;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import jakarta.inject.Inject;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.sandbox.chat.fanout.Fanout;
import dev.sandbox.chat.fanout.RedisFanout;
import dev.sandbox.common.telemetry.MessagingTracer;
import dev.sandbox.infra.Component;
import dev.sandbox.infra.testing.TestInfrastructure;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;

/**
 * {@link ChatTraceTest} over Redis pub/sub ({@code chat.fanout=redis}): pub/sub has no headers, so
 * the trace context rides in the payload's envelope; without it the other node's {@code process}
 * span would start a trace of its own and this fails. The other node has a Redis client of its own,
 * as a second process would: its subscription and the node's are two connections, as in production.
 */
@QuarkusTest
@TestProfile(ChatRedisTraceTest.RedisFanoutProfile.class)
class ChatRedisTraceTest extends ChatTraceTest {

    public static final class RedisFanoutProfile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("chat.fanout", "redis");
        }
    }

    @Inject
    Vertx vertx;

    /** The node's own Redis client, with the node's pool (16 connections). */
    @Inject
    Redis nodeClient;

    private Redis otherClient;

    @Override
    Fanout otherNode() {
        otherClient = Redis.createClient(vertx, TestInfrastructure.current().endpoints().redis().uri());
        return new RedisFanout(otherClient, vertx, prefix(), new MessagingTracer(openTelemetry, system()), Duration.ofSeconds(10));
    }

    /**
     * One node, more rooms than the Redis pool has connections (16): every room still gets its
     * payload. A subscriber connection per room (the Quarkus client's {@code PubSubCommands}) runs
     * out of pooled connections at the 17th room and this fails.
     */
    @Test
    void aNodeWithMoreRoomsThanPooledConnectionsHearsThemAll() throws Exception {
        var fanout = nodeFanout();
        var heard = ConcurrentHashMap.<String>newKeySet();
        fanout.start((room, payload) -> heard.add(room));
        try {
            var rooms = IntStream.range(0, 40).mapToObj(i -> "many-" + i + "-" + UUID.randomUUID()).toList();
            rooms.forEach(fanout::bind);
            rooms.forEach(room -> fanout.publish(room, "p|"));
            Awaitility.await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(heard).containsExactlyInAnyOrderElementsOf(rooms));
        } finally {
            fanout.close();
        }
    }

    /**
     * Redis killed and restarted under a bound room: the fan-out opens its subscriber again,
     * subscribes the room again and runs its recovery actions (the rooms' sweep). Without that the
     * room would never hear a payload again and this fails.
     */
    @Test
    void aSubscriberLostWithRedisSubscribesAgain() {
        var fanout = nodeFanout();
        var heard = ConcurrentHashMap.<String>newKeySet();
        var recovered = new AtomicInteger();
        fanout.start((room, payload) -> heard.add(payload));
        fanout.onRecovery(recovered::incrementAndGet);
        var room = "lost-" + UUID.randomUUID();
        var infra = TestInfrastructure.current();
        try {
            fanout.bind(room);
            infra.kill(Component.REDIS);
            infra.restart(Component.REDIS);
            Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                fanout.publish(room, "t|after");
                assertThat(heard).contains("t|after");
            });
            assertThat(recovered).hasPositiveValue();
        } finally {
            fanout.close();
        }
    }

    /** A fan-out as the node makes it: on the node's Redis client. */
    private RedisFanout nodeFanout() {
        return new RedisFanout(nodeClient, vertx, prefix(), new MessagingTracer(openTelemetry, system()), Duration.ofSeconds(10));
    }

    @AfterEach
    void closeOtherClient() {
        if (otherClient != null) {
            otherClient.close();
        }
    }

    @Override
    String system() {
        return "redis";
    }

    @Override
    String destination() {
        return prefix() + "{room}";
    }

    @Override
    Map<String, String> routing(String room) {
        return Map.of("messaging.destination.name", prefix() + room, "messaging.destination.template", destination());
    }

    /** The room channels' prefix, as the node's fan-out names them. */
    private String prefix() {
        return config.namespace() + ":fanout:";
    }
}
