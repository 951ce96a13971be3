package dev.sandbox.chat;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import dev.sandbox.chat.testing.SseClient;
import dev.sandbox.chat.testing.WsClient;
import dev.sandbox.infra.Component;
import dev.sandbox.infra.testing.GatewayTokens;
import dev.sandbox.infra.testing.WithInfrastructure;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The read-only follower stream (server-sent events) has the websocket's seq semantics: a follower
 * that drops off while the room keeps talking resumes with {@code Last-Event-ID} and ends with every
 * message once, in order, across both connections; the seam is crossed while sends go on.
 */
@QuarkusTest
@QuarkusTestResource(GatewayTokens.class)
@WithInfrastructure({Component.REDIS, Component.RABBITMQ})
class ChatFollowerStreamTest {

    private static final int TOTAL = 60;

    @TestHTTPResource("/")
    URL base;

    private String url() {
        return base.toString().replaceAll("/$", "");
    }

    @Test
    void aFollowerThatDropsResumesWithLastEventIdAndHasEveryMessageOnceInOrder() throws Exception {
        var room = "follow-" + UUID.randomUUID().toString().substring(0, 8);
        var posted = new AtomicLong();
        var sender = Executors.newSingleThreadExecutor();
        try (var alice = WsClient.connect(url(), room, "alice", null)) {
            alice.next("welcome");
            Runnable post = () -> {
                var id = "f" + (posted.get() + 1);
                alice.sendMessage(id, "message " + (posted.get() + 1));
                alice.next(f -> "sent".equals(f.path("type").asText()) && id.equals(f.path("clientMsgId").asText()));
                posted.incrementAndGet();
            };
            post.run();
            post.run();
            // Two messages before the follower arrives (the replay), the rest while it watches, drops and resumes.
            var first = SseClient.connect(url(), room, "follower", "lastSeq=0");
            assertThat(first.status()).isEqualTo(200);
            assertThat(first.contentType()).startsWith("text/event-stream");
            sender.execute(() -> {
                while (posted.get() < TOTAL) {
                    post.run();
                    try {
                        Thread.sleep(20); // the room's pace, not a wait for a condition
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> first.messageIds().size() >= 15);
            first.close();
            var before = first.messageIds();
            var lastEventId = before.get(before.size() - 1);
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> posted.get() >= lastEventId + 10);

            // The query still says lastSeq=0 (a browser reconnects to the same URL): Last-Event-ID wins.
            try (var second = SseClient.connect(url(), room, "follower", "lastSeq=0", "Last-Event-ID", String.valueOf(lastEventId))) {
                assertThat(second.status()).isEqualTo(200);
                Awaitility.await().atMost(Duration.ofSeconds(60))
                        .until(() -> posted.get() == TOTAL && second.messageIds().contains((long) TOTAL));
                var all = new ArrayList<>(before);
                all.addAll(second.messageIds());
                assertThat(all).containsExactlyElementsOf(LongStream.rangeClosed(1, TOTAL).boxed().toList());
                assertThat(second.events().getFirst().type()).isEqualTo("welcome");
                for (var event : second.events().stream().filter(e -> "message".equals(e.type())).toList()) {
                    var frame = WsClient.JSON.readTree(event.data());
                    assertThat(frame.get("seq").asText()).isEqualTo(event.id());
                    assertThat(frame.get("text").asText()).isEqualTo("message " + event.id());
                }
            }
        } finally {
            sender.shutdownNow();
            sender.awaitTermination(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void theStreamAsksForTheSameTokenAsTheRestEndpoints() throws Exception {
        var room = "follow-auth";
        try (var none = SseClient.connect(url(), room, null, null)) {
            assertThat(none.status()).isEqualTo(401);
            assertThat(none.contentType()).startsWith("application/problem+json");
        }
        try (var wrongScope = SseClient.connect(url(), room, null, null, "Authorization", "Bearer " + GatewayTokens.token("mallory", "orders"))) {
            assertThat(wrongScope.status()).isEqualTo(403);
        }
        try (var badRoom = SseClient.connect(url(), "x".repeat(65), "follower", null)) {
            assertThat(badRoom.status()).isEqualTo(400);
        }
        try (var badId = SseClient.connect(url(), room, "follower", null, "Last-Event-ID", "seven")) {
            assertThat(badId.status()).isEqualTo(400);
            assertThat(badId.contentType()).startsWith("application/problem+json");
        }
        try (var queryToken = SseClient.connect(url(), room, null, "token=" + dev.sandbox.chat.testing.Tokens.token("follower"))) {
            assertThat(queryToken.status()).isEqualTo(200);
        }
    }
}
