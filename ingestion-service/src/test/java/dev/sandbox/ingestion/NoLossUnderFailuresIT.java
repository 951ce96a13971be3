package dev.sandbox.ingestion;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.sandbox.infra.Component;
import dev.sandbox.infra.testing.ServiceUnderTest;
import dev.sandbox.infra.testing.TestInfrastructure;

/**
 * The guarantee, under fire: 200,000 events posted by clients that retry on 408, 429, 503 and timeouts
 * (and resend some uploads on purpose), while the sink dies twice (once at a crash point between
 * its database commit and its offset commit, once by kill -9) and the Kafka broker is killed and
 * restarted. Afterwards the database holds every accepted id once, every per-minute count matches
 * a recount, and the duplicates dropped account exactly for the rest of the topic.
 */
class NoLossUnderFailuresIT {

    private static final int EVENTS = 200_000;
    private static final int PER_UPLOAD = 1_000;
    private static final int UPLOADS = EVENTS / PER_UPLOAD;
    private static final int CLIENTS = 4;
    /** Uploads start at this pace (2,000 events/s), so the load outlasts the faults. */
    private static final Duration PACE = Duration.ofMillis(500);
    private static final String[] TYPES = {"click", "view", "buy", "scroll", "share"};
    private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

    private final TestInfrastructure infra = TestInfrastructure.with(Component.KAFKA, Component.POSTGRES);
    private final ServiceProcesses services = new ServiceProcesses(infra);
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final AtomicInteger uploadsDone = new AtomicInteger();
    private final AtomicLong retries = new AtomicLong();
    private final Map<String, Long> expectedCounts = new ConcurrentHashMap<>();
    private final Set<String> acceptedIds = ConcurrentHashMap.newKeySet();
    private final AtomicLong posted = new AtomicLong();

    @Test
    void noEventLostOrCountedTwiceThroughTwoSinkKillsAndABrokerRestart() throws Exception {
        var api = services.start("ingestion-service", Map.of());
        // The first sink halts (as kill -9 would) after its 20th batch is in the database and
        // before its offsets are committed: the redelivery window, hit on purpose.
        var sinks = new ArrayList<ServiceUnderTest>();
        var crashing = services.start("ingestion-sink", Map.of("INGESTION_SINK_HALT_AFTER_BATCHES", "20"));
        sinks.add(crashing);
        var faults = new ArrayList<String>();
        var uploadsAtFaults = new ArrayList<Integer>();
        try {
            var load = Executors.newVirtualThreadPerTaskExecutor();
            var next = new AtomicInteger();
            var started = System.nanoTime();
            var clients = new ArrayList<Future<Object>>();
            for (var client = 0; client < CLIENTS; client++) {
                clients.add(load.submit(() -> {
                    for (int upload; (upload = next.getAndIncrement()) < UPLOADS; ) {
                        Thread.sleep(Math.max(0, (started + upload * PACE.toNanos() - System.nanoTime()) / 1_000_000));
                        post(api, upload);
                        if (upload % 10 == 0) {
                            post(api, upload); // a client unsure of its answer sends again
                        }
                        uploadsDone.incrementAndGet();
                    }
                    return null;
                }));
            }

            awaitUploads(UPLOADS / 4);
            Awaitility.await("sink halts at its crash point").atMost(Duration.ofMinutes(2)).until(() -> !crashing.isAlive());
            uploadsAtFaults.add(uploadsDone.get());
            faults.add("sink halted at its crash point after " + uploadsDone.get() + " uploads");
            var killed = services.start("ingestion-sink", Map.of());
            sinks.add(killed);

            awaitUploads(UPLOADS / 2);
            infra.kill(Component.KAFKA);
            uploadsAtFaults.add(uploadsDone.get());
            faults.add("broker killed (SIGKILL) after " + uploadsDone.get() + " uploads");
            Thread.sleep(2_000);
            infra.restart(Component.KAFKA);

            awaitUploads(UPLOADS * 3 / 4);
            killed.kill();
            uploadsAtFaults.add(uploadsDone.get());
            faults.add("sink killed (SIGKILL) after " + uploadsDone.get() + " uploads");
            sinks.add(services.start("ingestion-sink", Map.of()));

            load.shutdown();
            assertThat(load.awaitTermination(10, TimeUnit.MINUTES)).as("uploads finished").isTrue();
            for (var client : clients) {
                client.get(); // a client that failed fails the test, with its reason
            }

            var topicRecords = topicRecords();
            var summary = Awaitility.await("the sink catches up").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> summary(api), s -> s.get("stored") + s.get("duplicatesDropped") + s.get("deadLettered") == topicRecords);

            System.out.printf("%nno-loss run: %d events in %d uploads (%d resent on purpose), %d client retries; faults: %s%n"
                    + "  posted records %d, accepted distinct ids %d, records in the topic %d%n"
                    + "  stored %d, duplicates dropped %d, dead-lettered %d, redelivered after crashes %d%n%n",
                    EVENTS, UPLOADS, UPLOADS / 10, retries.get(), faults, posted.get(), acceptedIds.size(), topicRecords,
                    summary.get("stored"), summary.get("duplicatesDropped"), summary.get("deadLettered"), summary.get("redelivered"));

            assertThat(uploadsAtFaults).as("every fault struck while uploads went on").allMatch(done -> done < UPLOADS);
            assertThat(acceptedIds).hasSize(EVENTS);
            assertThat(summary.get("stored")).as("stored = distinct accepted ids").isEqualTo(EVENTS);
            assertThat(storedIds()).as("the very ids accepted").isEqualTo(acceptedIds);
            assertThat(summary.get("deadLettered")).isZero();
            assertThat(summary.get("duplicatesDropped")).as("duplicates account for the rest of the topic")
                    .isEqualTo(topicRecords - EVENTS).isGreaterThanOrEqualTo((long) UPLOADS / 10 * PER_UPLOAD);
            assertThat(summary.get("redelivered")).as("the crash point made the sink read written records again").isPositive();
            assertThat(storedCounts()).as("per-minute counts = what was sent").isEqualTo(expectedCounts);
            assertThat(recount()).as("per-minute counts = a recount of the events").isEqualTo(expectedCounts);
        } finally {
            api.kill();
            sinks.forEach(sink -> sink.kill());
        }
    }

    private void awaitUploads(int count) {
        Awaitility.await(count + " uploads").atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(100))
                .until(() -> uploadsDone.get() >= count);
    }

    /** Posts upload {@code n} until it is accepted: 408, 429, 503, timeouts and dropped connections are retried. */
    private void post(ServiceUnderTest api, int n) throws InterruptedException {
        var body = new StringBuilder(PER_UPLOAD * 120);
        var ids = new ArrayList<String>(PER_UPLOAD);
        var counts = new HashMap<String, Long>();
        for (var i = 0; i < PER_UPLOAD; i++) {
            var id = "e-" + n + "-" + i;
            var type = TYPES[(n + i) % TYPES.length];
            var ts = START.plusSeconds((n * 7L + i) % 1200);
            body.append("{\"id\":\"").append(id).append("\",\"type\":\"").append(type).append("\",\"source\":\"src-")
                    .append(i % 16).append("\",\"ts\":\"").append(ts).append("\",\"payload\":{\"i\":").append(i).append("}}\n");
            ids.add(id);
            counts.merge(type + " " + ts.truncatedTo(ChronoUnit.MINUTES), 1L, Long::sum);
        }
        var request = HttpRequest.newBuilder(URI.create(api.url() + "/events"))
                .header("Content-Type", "application/x-ndjson").timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8)).build();
        while (true) {
            posted.addAndGet(PER_UPLOAD);
            try {
                var response = http.send(request, HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 202) {
                    var accepted = new ObjectMapper().readTree(response.body()).get("accepted").asLong();
                    assertThat(accepted).as(response.body()).isEqualTo(PER_UPLOAD);
                    if (acceptedIds.addAll(ids)) {
                        counts.forEach((key, count) -> expectedCounts.merge(key, count, Long::sum));
                    }
                    return;
                }
                // 408 too: under the faults a body can reach the service slower than it accepts.
                assertThat(response.statusCode()).as(response.body()).isIn(408, 429, 503);
                var retryAfter = response.headers().firstValue("Retry-After").map(Long::parseLong).orElse(1L);
                retries.incrementAndGet();
                Thread.sleep(Duration.ofSeconds(retryAfter));
            } catch (IOException e) {
                retries.incrementAndGet();
                Thread.sleep(1_000);
            }
        }
    }

    private Map<String, Long> summary(ServiceUnderTest api) throws Exception {
        var response = http.send(HttpRequest.newBuilder(URI.create(api.url() + "/stats/summary")).build(),
                HttpResponse.BodyHandlers.ofString());
        var json = new ObjectMapper().readTree(response.body());
        var summary = new HashMap<String, Long>();
        json.fields().forEachRemaining(field -> summary.put(field.getKey(), field.getValue().asLong()));
        return summary;
    }

    private long topicRecords() {
        var config = Map.<String, Object>of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, infra.endpoints().kafka().bootstrapServers());
        try (var consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            var partitions = consumer.partitionsFor(services.eventsTopic()).stream()
                    .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
            return consumer.endOffsets(partitions).values().stream().mapToLong(Long::longValue).sum();
        }
    }

    private Set<String> storedIds() throws SQLException {
        var ids = new HashSet<String>();
        try (var connection = infra.endpoints().postgres().connect(services.database());
             var rows = connection.createStatement().executeQuery("SELECT id FROM events")) {
            while (rows.next()) {
                ids.add(rows.getString(1));
            }
        }
        return ids;
    }

    private Map<String, Long> storedCounts() throws SQLException {
        return counts("SELECT type, minute, count FROM event_counts");
    }

    private Map<String, Long> recount() throws SQLException {
        return counts("SELECT type, date_trunc('minute', ts, 'UTC'), count(*) FROM events GROUP BY 1, 2");
    }

    private Map<String, Long> counts(String sql) throws SQLException {
        var counts = new HashMap<String, Long>();
        try (var connection = infra.endpoints().postgres().connect(services.database());
             var rows = connection.createStatement().executeQuery(sql)) {
            while (rows.next()) {
                counts.put(rows.getString(1) + " " + rows.getTimestamp(2).toInstant(), rows.getLong(3));
            }
        }
        return counts;
    }
}
