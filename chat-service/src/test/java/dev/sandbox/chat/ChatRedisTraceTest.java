package dev.sandbox.chat;

import java.util.Map;

import jakarta.inject.Inject;

import dev.sandbox.chat.fanout.Fanout;
import dev.sandbox.chat.fanout.RedisFanout;
import dev.sandbox.common.telemetry.MessagingTracer;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * {@link ChatTraceTest} over Redis pub/sub ({@code chat.fanout=redis}): pub/sub has no headers, so
 * the trace context rides in the payload's envelope; without it the other node's {@code process}
 * span would start a trace of its own and this fails.
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
    RedisDataSource redis;

    @Override
    Fanout otherNode() {
        return new RedisFanout(redis, prefix(), new MessagingTracer(openTelemetry, system()));
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
