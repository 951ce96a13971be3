package dev.sandbox.chat;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;

import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.UUID;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import dev.sandbox.chat.testing.RawSocketClient;
import dev.sandbox.chat.testing.Tokens;
import dev.sandbox.chat.testing.WsClient;
import dev.sandbox.infra.Component;
import dev.sandbox.infra.testing.GatewayTokens;
import dev.sandbox.infra.testing.WithInfrastructure;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** Protocol v2 on one node, against real Redis and RabbitMQ: each frame type and its documented answer. */
@QuarkusTest
@QuarkusTestResource(GatewayTokens.class)
@WithInfrastructure({Component.REDIS, Component.RABBITMQ})
class ChatProtocolTest {

    @TestHTTPResource("/")
    URL base;

    private String url() {
        return base.toString().replaceAll("/$", "");
    }

    private static String room() {
        return "room-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** One observation per message and node (not per member), in the project's fixed buckets. */
    @Test
    void eachDeliveryOnTheNodeIsTimedOnceInTheFanoutLatencyHistogram() {
        var room = room();
        try (var alice = WsClient.connect(url(), room, "alice", null); var bob = WsClient.connect(url(), room, "bob", null)) {
            alice.next("welcome");
            bob.next("welcome");
            var before = fanoutCount();
            alice.sendMessage("timed", "how long did this take?");
            alice.next("message");
            bob.next("message");
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> fanoutCount() > before);
            assertThat(fanoutCount()).as("two members on this node, one delivery").isEqualTo(before + 1);
            assertThat(metrics().lines().filter(line -> line.startsWith("chat_fanout_latency_seconds_bucket")))
                    .anyMatch(line -> line.contains("le=\"0.005\"")).anyMatch(line -> line.contains("le=\"10.0\""));
        }
    }

    private static String metrics() {
        return given().get("/q/metrics").then().statusCode(200).extract().asString();
    }

    private static double fanoutCount() {
        return metrics().lines().filter(line -> line.startsWith("chat_fanout_latency_seconds_count"))
                // "name{labels} value", then maybe an exemplar: "# {trace_id=...} value timestamp"
                .mapToDouble(line -> Double.parseDouble(line.split(" ")[1])).sum();
    }

    @Test
    void upgradeNeedsAValidTokenAndRoomName() {
        assertThat(WsClient.upgradeStatus(WsClient.uri(url(), room(), null, null))).isEqualTo(401);
        assertThat(WsClient.upgradeStatus(WsClient.uri(url(), room(), null, "token=not-a-jwt"))).isEqualTo(401);
        assertThat(WsClient.upgradeStatus(WsClient.uri(url(), room(), null, "token=" + GatewayTokens.token("mallory", "orders"))))
                .isEqualTo(403);
        assertThat(WsClient.upgradeStatus(WsClient.uri(url(), "bad%20room", "alice", null))).isEqualTo(400);
        assertThat(WsClient.upgradeStatus(WsClient.uri(url(), "x".repeat(65), "alice", null))).isEqualTo(400);
        assertThat(WsClient.upgradeStatus(WsClient.uri(url(), "ok.room_1-A", "alice", null))).isEqualTo(101);
    }

    @Test
    void sendIsStoredSequencedAndDeliveredToEveryMemberOnce() {
        var room = room();
        try (var alice = WsClient.connect(url(), room, "alice", null); var bob = WsClient.connect(url(), room, "bob", null)) {
            var welcome = alice.next("welcome");
            assertThat(welcome.get("protocol").asInt()).isEqualTo(2);
            assertThat(welcome.get("userId").asText()).isEqualTo("alice");
            assertThat(welcome.get("room").asText()).isEqualTo(room);
            assertThat(welcome.get("headSeq").asLong()).isZero();
            assertThat(welcome.get("epoch").asText()).isNotBlank();
            bob.next("welcome");

            alice.sendMessage("c1", "hello");
            var sent = alice.next("sent");
            assertThat(sent.get("clientMsgId").asText()).isEqualTo("c1");
            assertThat(sent.get("seq").asLong()).isEqualTo(1);
            var atBob = bob.next("message");
            assertThat(atBob.get("seq").asLong()).isEqualTo(1);
            assertThat(atBob.get("from").asText()).isEqualTo("alice");
            assertThat(atBob.get("text").asText()).isEqualTo("hello");
            assertThat(atBob.get("msgId").asText()).isEqualTo(sent.get("msgId").asText());
            assertThat(atBob.get("ts").asLong()).isPositive();
            assertThat(alice.next("message").get("seq").asLong()).isEqualTo(1);

            // The retry of c1 is answered with the same sent and posts nothing.
            alice.sendMessage("c1", "hello");
            var again = alice.next("sent");
            assertThat(again.get("seq").asLong()).isEqualTo(1);
            assertThat(again.get("msgId").asText()).isEqualTo(sent.get("msgId").asText());
            alice.sendMessage("c2", "second");
            assertThat(alice.next("sent").get("seq").asLong()).isEqualTo(2);
            assertThat(bob.next("message").get("seq").asLong()).isEqualTo(2);
            assertThat(bob.messageSeqs()).containsExactly(1L, 2L);
        }
    }

    @Test
    void lastSeqReplaysWhatCameAfterItThenLiveWithoutGapOrDuplicate() {
        var room = room();
        try (var alice = WsClient.connect(url(), room, "alice", null)) {
            alice.next("welcome");
            for (int i = 1; i <= 5; i++) {
                alice.sendMessage("m" + i, "text " + i);
                alice.next("sent");
            }
            try (var late = WsClient.connect(url(), room, "bob", "lastSeq=2")) {
                var welcome = late.next("welcome");
                assertThat(welcome.get("headSeq").asLong()).isEqualTo(5);
                // Sends while the replay runs land on the seam.
                alice.sendMessage("m6", "text 6");
                alice.sendMessage("m7", "text 7");
                Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> late.messageSeqs().size() >= 5);
                assertThat(late.messageSeqs()).containsExactly(3L, 4L, 5L, 6L, 7L);
                assertThat(late.all().get(0).get("type").asText()).isEqualTo("welcome");
            }
        }
    }

    @Test
    void textComesBackExactlyAsSent() {
        var room = room();
        var texts = new ArrayList<String>();
        texts.add("emoji beyond the BMP: \uD83D\uDE00\uD83E\uDDD1\u200D\uD83D\uDE80 and CJK \u6F22\u5B57");
        texts.add("line one\r\nline two\nthree\ttabbed");
        texts.add("quotes \" ' ` and backslash \\ and json {\"type\":\"send\"} </script>");
        texts.add("\u0000 nul and \u001F control and \u2028 separator");
        try (var alice = WsClient.connect(url(), room, "alice", null); var bob = WsClient.connect(url(), room, "bob", null)) {
            alice.next("welcome");
            bob.next("welcome");
            for (int i = 0; i < texts.size(); i++) {
                alice.sendMessage("t" + i, texts.get(i));
                assertThat(bob.next("message").get("text").asText()).isEqualTo(texts.get(i));
            }
        }
        var history = given().header("Authorization", "Bearer " + Tokens.token("alice"))
                .get("/chat/rooms/" + room + "/messages?after=0&limit=10").then().statusCode(200).extract().jsonPath();
        assertThat(history.getList("messages.text", String.class)).containsExactlyElementsOf(texts);
    }

    @Test
    void badFramesGetTheirErrorAndTheRoomKeepsWorking() {
        var room = room();
        try (var alice = WsClient.connect(url(), room, "alice", null)) {
            alice.next("welcome");
            alice.send("{not json");
            assertThat(alice.next("error").get("code").asText()).isEqualTo("bad-frame");
            alice.send("{\"type\":\"shout\"}");
            assertThat(alice.next("error").get("code").asText()).isEqualTo("unknown-type");
            alice.send("[1,2,3]");
            assertThat(alice.next("error").get("code").asText()).isEqualTo("bad-frame");
            alice.send("{\"type\":\"send\",\"clientMsgId\":\"big\",\"text\":\"" + "x".repeat(1024 * 1024) + "\"}");
            assertThat(alice.next("error").get("code").asText()).isEqualTo("too-large");
            alice.send("{\"type\":\"send\",\"text\":\"no id\"}");
            assertThat(alice.next("error").get("code").asText()).isEqualTo("bad-frame");
            alice.sendBinary(new byte[] {1, 2, 3});
            assertThat(alice.next("error").get("code").asText()).isEqualTo("bad-frame");
            alice.send("{\"type\":\"ping\"}");
            alice.next("pong");
            alice.sendMessage("ok", "still works");
            assertThat(alice.next("sent").get("seq").asLong()).isEqualTo(1);
        }
    }

    @Test
    void aClientThatKeepsSendingGarbageIsClosedWithAReason() {
        try (var flood = WsClient.connect(url(), room(), "eve", null)) {
            flood.next("welcome");
            for (int i = 0; i < 40 && !flood.closed().isDone(); i++) {
                try {
                    flood.send("garbage " + i);
                } catch (Exception e) {
                    break;
                }
            }
            assertThat(flood.awaitClose()).isEqualTo(4003);
        }
    }

    @Test
    void frameSentBeforeTheWelcomeIsAnsweredAfterIt() {
        try (var eager = WsClient.connect(url(), room(), "bob", null)) {
            eager.send("{\"type\":\"ping\"}");
            eager.next("pong");
            assertThat(eager.all().get(0).get("type").asText()).isEqualTo("welcome");
        }
    }

    @Test
    void typingPresenceAndReceipts() {
        var room = room();
        try (var alice = WsClient.connect(url(), room, "alice", null)) {
            alice.next("welcome");
            alice.next(f -> "presence".equals(f.path("type").asText()) && f.get("online").toString().contains("alice"));
            try (var bob = WsClient.connect(url(), room, "bob", null)) {
                bob.next("welcome");
                alice.next(f -> "presence".equals(f.path("type").asText()) && f.get("online").size() == 2);
                given().header("Authorization", "Bearer " + Tokens.token("bob")).get("/chat/rooms/" + room + "/presence")
                        .then().statusCode(200).body("online", hasItems("alice", "bob"));
                bob.send("{\"type\":\"typing\"}");
                assertThat(alice.next("typing").get("from").asText()).isEqualTo("bob");
                for (int i = 1; i <= 3; i++) {
                    alice.sendMessage("r" + i, "read me " + i);
                    alice.next("sent");
                }
                // Acks out of order: the receipt only moves forward.
                bob.send("{\"type\":\"ack\",\"seq\":3}");
                bob.send("{\"type\":\"ack\",\"seq\":1}");
                bob.send("{\"type\":\"ping\"}");
                bob.next("pong");
                given().header("Authorization", "Bearer " + Tokens.token("bob")).get("/chat/rooms/" + room + "/receipts")
                        .then().statusCode(200).body("readUpTo.bob", equalTo(3));
            }
            alice.next(f -> "presence".equals(f.path("type").asText()) && f.get("online").size() == 1);
        }
    }

    @Test
    void historyAndBadRequestsOverHttp() {
        var room = room();
        try (var alice = WsClient.connect(url(), room, "alice", null)) {
            alice.next("welcome");
            for (int i = 1; i <= 4; i++) {
                alice.sendMessage("h" + i, "h" + i);
                alice.next("sent");
            }
        }
        var token = "Bearer " + Tokens.token("bob");
        given().header("Authorization", token).get("/chat/rooms/" + room + "/messages?after=1&limit=2")
                .then().statusCode(200).body("headSeq", equalTo(4)).body("messages.seq", org.hamcrest.Matchers.contains(2, 3));
        given().get("/chat/rooms/" + room + "/messages").then().statusCode(401);
        given().header("Authorization", token).get("/chat/rooms/bad!room/messages").then().statusCode(400)
                .contentType("application/problem+json");
        given().header("Authorization", token).get("/chat/rooms/" + room + "/messages?limit=0").then().statusCode(400);
        given().header("Authorization", token).get("/chat/rooms/" + room + "/messages?after=abc").then().statusCode(400);
    }

    @Test
    void aSlowConsumerIsClosedWithItsOwnCodeAndTheRoomGoesOn() {
        var room = room();
        try (var fast = WsClient.connect(url(), room, "alice", null);
             var slow = new RawSocketClient(WsClient.uri(url(), room, "bob", null))) {
            fast.next("welcome");
            var text = "y".repeat(16_000);
            var total = 800; // 12.8 MB: more than the socket buffers and the 64-frame queue hold
            for (int i = 0; i < total; i++) {
                fast.sendMessage("s" + i, text);
                fast.next("sent");
            }
            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> fast.messageSeqs().size() == total);
            assertThat(slow.readUntilClose()).isEqualTo(4008);
        }
    }
}
