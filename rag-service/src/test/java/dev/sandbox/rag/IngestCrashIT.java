package dev.sandbox.rag;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.sandbox.common.chaos.CrashPoints;
import dev.sandbox.infra.Component;
import dev.sandbox.infra.testing.GatewayTokens;
import dev.sandbox.infra.testing.ServiceUnderTest;
import dev.sandbox.infra.testing.TestInfrastructure;
import dev.sandbox.rag.testing.RagServices;

/**
 * The worker dies mid-job and the job still takes effect exactly once; the index and its
 * documents outlive the process. The packaged service runs as an OS process on real RabbitMQ and
 * Redis: it halts (as kill -9 would) after the index commit and before the acknowledgement, then
 * it is killed with SIGKILL while embedding; each time it is started again on the same index.
 */
class IngestCrashIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final TestInfrastructure infra = TestInfrastructure.with(Component.RABBITMQ, Component.REDIS);
    private final ServiceUnderTest service = RagServices.underTest(infra, "rag-" + infra.runId());

    @AfterEach
    void stop() {
        if (service.isAlive()) {
            service.kill();
        }
    }

    /** A request with bob's token; the body, if any, is JSON. */
    private HttpResponse<String> call(String method, String path, String json) throws Exception {
        var builder = HttpRequest.newBuilder(URI.create(service.url() + path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + GatewayTokens.token("bob", "rag"));
        if (json != null) {
            builder.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(json));
        } else {
            builder.method(method, HttpRequest.BodyPublishers.noBody());
        }
        return HTTP.send(builder.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String document(String marker, int paragraphs) {
        var text = new StringBuilder("# Almanac " + marker + "\n\n");
        for (var i = 0; i < paragraphs; i++) {
            text.append("## Month ").append(i).append("\n\nIn month ").append(i).append(" of the ").append(marker)
                    .append(" almanac the tide tables shift by ").append(i * 7).append(" minutes and the harbour opens at ")
                    .append(6 + i % 3).append(".\n\n");
        }
        return text.toString();
    }

    private JsonNode post(String title, String text) throws Exception {
        var response = call("POST", "/rag/documents", JSON.writeValueAsString(Map.of("title", title, "text", text)));
        assertThat(response.statusCode()).isEqualTo(202);
        return JSON.readTree(response.body());
    }

    private JsonNode get(String id) throws Exception {
        var response = call("GET", "/rag/documents/" + id, null);
        return response.statusCode() == 200 ? JSON.readTree(response.body()) : null;
    }

    private void awaitIndexed(String id) {
        Awaitility.await(id + " indexed").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(200)).until(() -> {
            var document = get(id);
            return document != null && document.path("status").asText().equals("indexed");
        });
    }

    private long metric(String name, String outcome) throws Exception {
        var response = call("GET", "/q/metrics", null).body();
        var matcher = Pattern.compile("(?m)^" + name + "\\{[^}]*outcome=\"" + outcome + "\"[^}]*} ([0-9.E]+)").matcher(response);
        return matcher.find() ? (long) Double.parseDouble(matcher.group(1)) : 0;
    }

    private int chunksFound(String marker, String documentId, int k) throws Exception {
        var response = call("POST", "/rag/query",
                JSON.writeValueAsString(Map.of("question", "tide tables of the " + marker + " almanac", "mode", "bm25", "k", k)));
        assertThat(response.statusCode()).isEqualTo(200);
        var ids = new java.util.HashSet<String>();
        var count = 0;
        for (var citation : JSON.readTree(response.body()).path("citations")) {
            if (!citation.path("documentId").asText().equals(documentId)) {
                continue;
            }
            count++;
            assertThat(ids.add(citation.path("chunkId").asText())).as("no chunk twice").isTrue();
        }
        return count;
    }

    @Test
    void aCrashBetweenCommitAndAckAndAKillMidJobEachTakeEffectOnce() throws Exception {
        // 1. Halt after the index commit, before the ack: RabbitMQ delivers the job again.
        service.startAndAwaitReady(Map.of("RAG_CHAOS_CRASH_AFTER_INDEX_COMMIT", "1"));
        var first = "first" + UUID.randomUUID().toString().substring(0, 6);
        var firstId = post("Almanac " + first, document(first, 6)).path("documentId").asText();
        Awaitility.await("halted at the crash point").atMost(Duration.ofMinutes(1)).until(() -> !service.isAlive());
        assertThat(service.logTail(60)).contains("crash point after-index-commit reached");

        service.startAndAwaitReady(Map.of());
        awaitIndexed(firstId);
        // The redelivered job found the document indexed with its content: no second indexing.
        Awaitility.await("redelivery skipped").atMost(Duration.ofSeconds(30)).until(() -> metric("rag_ingest_jobs_total", "skipped") >= 1);
        var chunks = get(firstId).path("chunks").asInt();
        assertThat(chunks).isGreaterThan(1);
        assertThat(chunksFound(first, firstId, 20)).isEqualTo(chunks);

        // 2. SIGKILL while the job is embedding (a pause makes the window wide): it is redone once.
        service.kill();
        service.startAndAwaitReady(Map.of("RAG_CHAOS_EMBED_DELAY", "3s"));
        var second = "second" + UUID.randomUUID().toString().substring(0, 6);
        var secondId = post("Almanac " + second, document(second, 4)).path("documentId").asText();
        Awaitility.await("job in progress").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                .until(() -> service.logTail(80).contains("indexing " + secondId));
        service.kill();

        service.startAndAwaitReady(Map.of());
        assertThat(get(secondId).path("status").asText()).as("nothing of the killed job was committed").isIn("queued", "indexed");
        awaitIndexed(secondId);
        assertThat(chunksFound(second, secondId, 20)).isEqualTo(get(secondId).path("chunks").asInt());

        // 3. A graceful restart: every document and chunk is still there.
        service.stop();
        assertThat(service.isAlive()).isFalse();
        service.startAndAwaitReady(Map.of());
        assertThat(get(firstId).path("status").asText()).isEqualTo("indexed");
        assertThat(get(secondId).path("status").asText()).isEqualTo("indexed");
        assertThat(chunksFound(first, firstId, 20)).isEqualTo(chunks);
        assertThat(CrashPoints.EXIT_STATUS).isEqualTo(86);
    }
}
