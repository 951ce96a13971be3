package dev.sandbox.chat;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.sandbox.chat.testing.ChatNodes;
import dev.sandbox.chat.testing.ResilientClient;
import dev.sandbox.chat.testing.Tokens;
import dev.sandbox.chat.testing.WsClient;
import dev.sandbox.infra.Component;
import dev.sandbox.infra.testing.TestInfrastructure;

/**
 * The delivery guarantee with the fault injected: two chat nodes as OS processes, clients spread
 * over both sending to one room, kill -9 of one node mid-stream. Its clients reconnect (backoff with
 * full jitter) to the other node and resume from their last seq. Afterwards every client holds every
 * message of the room's history exactly once, in the same order, and every message whose sender got
 * {@code sent} is there. The naive design (live only, no resume, no dedupe) under the same kill is
 * shown losing messages.
 *
 * <p>The same kill is a reconnect storm: {@value #STORM} more readers on the killed node come back
 * at once (only the jitter spreads them) and the surviving node serves them all, nothing lost. And
 * it measures presence: users of the killed node that do not come back drop out of
 * {@code GET /presence} within {@code chat.presence-ttl} (plus a margin for this machine).
 */
class ChatFailoverIT {

    private static final int CLIENTS_PER_NODE = 3;
    private static final int MESSAGES_PER_CLIENT = 40;
    /** Readers on the killed node that all reconnect at once. */
    private static final int STORM = 20;
    /** Users on the killed node that never come back: presence must forget them. */
    private static final int GONE = 2;
    private static final Duration PRESENCE_TTL = Duration.ofSeconds(10);
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    /** {@code offlineAfter}: from the kill until presence no longer listed the users who did not come back. */
    record Outcome(List<ResilientClient> clients, List<JsonNode> history, int distinctSends, Duration offlineAfter) {
    }

    @Test
    void killANodeMidStreamAndEveryClientEndsWithEveryMessageOnceInOrder() throws Exception {
        var outcome = run("reliable");
        var historyIds = outcome.history().stream().map(m -> m.get("msgId").asText()).toList();
        var seqs = outcome.history().stream().map(m -> m.get("seq").asLong()).toList();
        // Redis' history: one entry per distinct send (retries deduped), seqs 1..N without a hole.
        assertThat(outcome.history()).hasSize(outcome.distinctSends());
        assertThat(seqs).isEqualTo(java.util.stream.LongStream.rangeClosed(1, seqs.size()).boxed().toList());
        for (var client : outcome.clients()) {
            assertThat(client.logIds()).as("%s's log (%d reconnects)", client.user(), client.reconnects())
                    .containsExactlyElementsOf(historyIds);
            var mine = new HashSet<>(outcome.history().stream().filter(m -> m.get("from").asText().equals(client.user()))
                    .map(m -> m.get("clientMsgId").asText()).toList());
            assertThat(mine).containsAll(client.acknowledged().keySet());
        }
        assertThat(outcome.clients().stream().mapToInt(ResilientClient::reconnects).sum()).isGreaterThanOrEqualTo(CLIENTS_PER_NODE);
        // The storm: every reader of the killed node reconnected and holds the whole log (checked above with the others).
        assertThat(outcome.clients().stream().filter(c -> c.user().startsWith("reader")).filter(c -> c.reconnects() > 0))
                .hasSize(STORM);
        System.out.printf("presence: the killed node's users went offline %d ms after the kill (chat.presence-ttl %d ms)%n",
                outcome.offlineAfter().toMillis(), PRESENCE_TTL.toMillis());
        assertThat(outcome.offlineAfter()).isLessThanOrEqualTo(PRESENCE_TTL.plusSeconds(5));
    }

    @Test
    void theNaiveDesignLosesMessagesUnderTheSameKill() throws Exception {
        var outcome = run("naive");
        var historyIds = outcome.history().stream().map(m -> m.get("msgId").asText()).toList();
        int lost = 0;
        int doubled = 0;
        for (var client : outcome.clients()) {
            var ids = client.logIds();
            lost += (int) historyIds.stream().filter(id -> !ids.contains(id)).count();
            doubled += ids.size() - new LinkedHashSet<>(ids).size();
        }
        var postedTwice = outcome.history().size() - outcome.distinctSends();
        System.out.printf("naive: %d messages missing across client logs, %d delivered twice, %d posted twice%n", lost, doubled, postedTwice);
        assertThat(lost).as("messages missing from the clients' logs").isPositive();
    }

    private Outcome run(String delivery) throws Exception {
        var infra = TestInfrastructure.with(Component.REDIS, Component.RABBITMQ);
        var namespace = "chat-" + infra.runId();
        var settings = Map.of("CHAT_NAMESPACE", namespace, "CHAT_DELIVERY", delivery,
                "CHAT_SENDS_PER_SECOND", "1000", "CHAT_PRESENCE_TTL", PRESENCE_TTL.toSeconds() + "s", "QUARKUS_LOG_LEVEL", "WARN");
        var a = ChatNodes.node(infra, "chat-service", "chat-a-" + infra.runId(), settings);
        var b = ChatNodes.node(infra, "chat-service-2", "chat-b-" + infra.runId(), settings);
        var clients = new ArrayList<ResilientClient>();
        var gone = new ArrayList<WsClient>();
        var senders = Executors.newFixedThreadPool(CLIENTS_PER_NODE * 2);
        try {
            a.start();
            b.start();
            a.awaitReady();
            b.awaitReady();
            var room = "failover-" + UUID.randomUUID().toString().substring(0, 8);
            var nodes = List.of(a.url(), b.url());
            for (int i = 0; i < GONE; i++) {
                gone.add(WsClient.connect(a.url(), room, "gone" + i, null));
            }
            for (int i = 0; i < CLIENTS_PER_NODE * 2; i++) {
                var client = new ResilientClient(nodes, i % 2, room, "user" + i, Duration.ofMillis(200), Duration.ofSeconds(2));
                clients.add(client);
                client.start();
            }
            var talkers = List.copyOf(clients);
            for (int i = 0; i < STORM; i++) {
                var reader = new ResilientClient(nodes, 0, room, "reader" + i, Duration.ofMillis(200), Duration.ofSeconds(2));
                clients.add(reader);
                reader.start();
            }
            // Everyone is in before the first send, so every log starts at seq 1.
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> presence(b.url(), room).size() == clients.size() + GONE);
            for (var client : talkers) {
                senders.execute(() -> {
                    for (int m = 0; m < MESSAGES_PER_CLIENT; m++) {
                        client.send(client.user() + " says " + m);
                        try {
                            Thread.sleep(40); // the workload's pace, not a wait for a condition
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                });
            }
            Awaitility.await().atMost(Duration.ofSeconds(60))
                    .until(() -> talkers.stream().mapToInt(c -> c.acknowledged().size()).sum() >= talkers.size() * MESSAGES_PER_CLIENT / 3);
            a.kill();
            var killedAt = System.nanoTime();
            var offline = CompletableFuture.supplyAsync(() -> {
                Awaitility.await().atMost(PRESENCE_TTL.multipliedBy(3)).pollInterval(Duration.ofMillis(100))
                        .until(() -> presence(b.url(), room).stream().noneMatch(user -> user.startsWith("gone")));
                return Duration.ofNanos(System.nanoTime() - killedAt);
            });
            senders.shutdown();
            assertThat(senders.awaitTermination(2, TimeUnit.MINUTES)).isTrue();
            if ("reliable".equals(delivery)) {
                var total = talkers.size() * MESSAGES_PER_CLIENT;
                try {
                    Awaitility.await("every send acknowledged").atMost(Duration.ofSeconds(60))
                            .until(() -> clients.stream().allMatch(c -> c.pendingCount() == 0));
                    Awaitility.await("every log complete").atMost(Duration.ofSeconds(30))
                            .until(() -> clients.stream().allMatch(c -> c.log().size() >= total));
                } catch (org.awaitility.core.ConditionTimeoutException e) {
                    for (var c : clients) {
                        var seqs = c.log().stream().map(f -> f.get("seq").asLong()).toList();
                        System.out.printf("%s: %d messages, %d pending, %d reconnects, seqs %s%n", c.user(), seqs.size(), c.pendingCount(),
                                c.reconnects(), seqs);
                    }
                    System.out.println("history " + history(b.url(), room).size() + "\n" + b.logTail());
                    throw e;
                }
            } else {
                // Naive: wait until the room is quiet (the logs stop growing), then compare.
                Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(2))
                        .until(new java.util.concurrent.Callable<Boolean>() {
                            int last = -1;

                            @Override
                            public Boolean call() {
                                var now = clients.stream().mapToInt(c -> c.log().size()).sum();
                                var quiet = now == last;
                                last = now;
                                return quiet;
                            }
                        });
            }
            var distinct = clients.stream().mapToInt(c -> c.acknowledged().size() + c.pendingCount()).sum();
            return new Outcome(clients, history(b.url(), room), distinct, offline.get(1, TimeUnit.MINUTES));
        } finally {
            senders.shutdownNow();
            gone.forEach(WsClient::close);
            clients.forEach(ResilientClient::stop);
            a.kill();
            b.stop();
        }
    }

    private static List<String> presence(String node, String room) throws Exception {
        var request = HttpRequest.newBuilder(URI.create(node + "/chat/rooms/" + room + "/presence"))
                .header("Authorization", "Bearer " + Tokens.token("observer")).build();
        var body = HTTP.send(request, HttpResponse.BodyHandlers.ofString()).body();
        var online = new ArrayList<String>();
        WsClient.JSON.readTree(body).path("online").forEach(user -> online.add(user.asText()));
        return online;
    }

    private static List<JsonNode> history(String node, String room) throws Exception {
        var all = new ArrayList<JsonNode>();
        long after = 0;
        while (true) {
            var request = HttpRequest.newBuilder(URI.create(node + "/chat/rooms/" + room + "/messages?after=" + after + "&limit=500"))
                    .header("Authorization", "Bearer " + Tokens.token("observer")).build();
            var page = WsClient.JSON.readTree(HTTP.send(request, HttpResponse.BodyHandlers.ofString()).body()).get("messages");
            page.forEach(all::add);
            if (page.size() < 500) {
                return all;
            }
            after = all.get(all.size() - 1).get("seq").asLong();
        }
    }
}
