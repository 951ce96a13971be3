package dev.sandbox.chat;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URL;
import java.time.Duration;
import java.util.UUID;
import java.util.stream.LongStream;

import jakarta.inject.Inject;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import dev.sandbox.chat.store.Keys;
import dev.sandbox.chat.testing.WsClient;
import dev.sandbox.infra.Component;
import dev.sandbox.infra.testing.GatewayTokens;
import dev.sandbox.infra.testing.TestInfrastructure;
import dev.sandbox.infra.testing.WithInfrastructure;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * What the promises are worth when a server goes away. Redis runs with its append-only file: a
 * kill -9 loses nothing it acknowledged. Where history is lost anyway (Redis without persistence, or
 * writes lost in a fsync window) every client is told (closed with 4009, then a welcome with a new
 * epoch and {@code reset: true}): never a silent gap, never a seq handed out twice. RabbitMQ is only the fast path: while it is
 * down messages are still stored and reach every member through the history sweep, in order, once.
 */
@QuarkusTest
@QuarkusTestResource(GatewayTokens.class)
@WithInfrastructure({Component.REDIS, Component.RABBITMQ})
class ChatOutageTest {

    @TestHTTPResource("/")
    URL base;

    private String url() {
        return base.toString().replaceAll("/$", "");
    }

    @Inject
    RedisDataSource redis;

    @Inject
    ChatConfig config;

    @Test
    void aRedisKillLosesNothingAcknowledged() {
        var room = "aof-" + UUID.randomUUID().toString().substring(0, 8);
        var infra = TestInfrastructure.current();
        try (var alice = WsClient.connect(url(), room, "alice", null)) {
            var epoch = alice.next("welcome").get("epoch").asText();
            for (int i = 1; i <= 3; i++) {
                alice.sendMessage("k" + i, "before " + i);
                alice.next("sent");
            }
            infra.kill(Component.REDIS);
            try {
                alice.sendMessage("k4", "during");
                assertThat(alice.next("error").get("code").asText()).isEqualTo("unavailable");
            } finally {
                infra.restart(Component.REDIS);
            }
            // The retry of the refused send posts it once, after the three acknowledged ones.
            Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                alice.sendMessage("k4", "during");
                assertThat(alice.next(f -> "sent".equals(f.path("type").asText()) || "error".equals(f.path("type").asText()))
                        .path("seq").asLong()).isEqualTo(4);
            });
            try (var resumed = WsClient.connect(url(), room, "bob", "lastSeq=0&epoch=" + epoch)) {
                var welcome = resumed.next("welcome");
                assertThat(welcome.get("reset").asBoolean()).isFalse();
                assertThat(welcome.get("epoch").asText()).isEqualTo(epoch);
                Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> resumed.messageSeqs().size() >= 4);
                assertThat(resumed.messageSeqs()).containsExactly(1L, 2L, 3L, 4L);
            }
        }
    }

    @Test
    void lostHistoryStartsANewEpochAndClientsAreTold() {
        var room = "lost-" + UUID.randomUUID().toString().substring(0, 8);
        var keys = new Keys(config.namespace());
        String epoch;
        try (var alice = WsClient.connect(url(), room, "alice", null)) {
            epoch = alice.next("welcome").get("epoch").asText();
            for (int i = 1; i <= 3; i++) {
                alice.sendMessage("e" + i, "before " + i);
                alice.next("sent");
            }
            // What a Redis without persistence comes back as: the room's keys are gone.
            redis.key().del(keys.seq(room), keys.history(room), keys.epoch(room));
            assertThat(alice.awaitClose()).isEqualTo(4009);
        }
        try (var again = WsClient.connect(url(), room, "alice", "lastSeq=3&epoch=" + epoch)) {
            var welcome = again.next("welcome");
            assertThat(welcome.get("reset").asBoolean()).isTrue();
            assertThat(welcome.get("epoch").asText()).isNotEqualTo(epoch);
            assertThat(welcome.get("headSeq").asLong()).isZero();
            again.sendMessage("after", "after the reset");
            assertThat(again.next("sent").get("seq").asLong()).isEqualTo(1);
        }
    }

    @Test
    void aSeqGoingBackwardsIsAResetNeverAReusedSeq() {
        var room = "back-" + UUID.randomUUID().toString().substring(0, 8);
        var keys = new Keys(config.namespace());
        String epoch;
        try (var alice = WsClient.connect(url(), room, "alice", null)) {
            epoch = alice.next("welcome").get("epoch").asText();
            for (int i = 1; i <= 3; i++) {
                alice.sendMessage("b" + i, "before " + i);
                alice.next("sent");
            }
            // Writes lost, epoch kept (a fsync window): seq 2 and 3 would be handed out again.
            redis.value(String.class).set(keys.seq(room), "1");
            redis.sortedSet(String.class).zremrangebyscore(keys.history(room),
                    new io.quarkus.redis.datasource.sortedset.ScoreRange<>(2.0, 3.0));
            assertThat(alice.awaitClose()).isEqualTo(4009);
        }
        try (var again = WsClient.connect(url(), room, "alice", "lastSeq=3&epoch=" + epoch)) {
            var welcome = again.next("welcome");
            assertThat(welcome.get("reset").asBoolean()).isTrue();
            assertThat(welcome.get("epoch").asText()).isNotEqualTo(epoch);
        }
    }

    @Test
    void whileRabbitMqIsDownMessagesStillArriveInOrderOnce() {
        var room = "rabbit-" + UUID.randomUUID().toString().substring(0, 8);
        var infra = TestInfrastructure.current();
        try (var alice = WsClient.connect(url(), room, "alice", null); var bob = WsClient.connect(url(), room, "bob", null)) {
            alice.next("welcome");
            bob.next("welcome");
            alice.sendMessage("r0", "before");
            alice.next("sent");
            bob.next("message");
            infra.kill(Component.RABBITMQ);
            try {
                for (int i = 1; i <= 5; i++) {
                    alice.sendMessage("r" + i, "during " + i);
                    alice.next("sent");
                }
                Awaitility.await().atMost(Duration.ofSeconds(15)).until(() -> bob.messageSeqs().size() >= 6);
            } finally {
                infra.restart(Component.RABBITMQ);
            }
            for (int i = 6; i <= 10; i++) {
                alice.sendMessage("r" + i, "after " + i);
                alice.next("sent");
            }
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> bob.messageSeqs().size() >= 11);
            assertThat(bob.messageSeqs()).containsExactlyElementsOf(LongStream.rangeClosed(1, 11).boxed().toList());
            assertThat(alice.messageSeqs()).containsExactlyElementsOf(LongStream.rangeClosed(1, 11).boxed().toList());
        }
    }
}
