package dev.sandbox.system.observability;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.WebSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import com.fasterxml.jackson.databind.JsonNode;

import dev.sandbox.system.observability.Trace.Hop;
import dev.sandbox.system.stack.RunningSandbox;

/**
 * One trace per user request, end to end: each flow is driven through the gateway of the running
 * sandbox, and its trace, read back from the trace store by the answer's {@code X-Trace-Id}, must be
 * one tree (a single root, the gateway's, and no span whose parent is missing) holding every hop of
 * the flow, each hop a descendant of the one before, made by the process that does it. A hop that
 * drops the context (an HTTP call, a Kafka record, a RabbitMQ message, an outbox row) starts a trace
 * of its own, and the path never appears in this one.
 */
@ExtendWith(RunningSandbox.Extension.class)
class TraceTreeIT {

    private Gateway gateway;
    private TraceStore traces;

    @BeforeEach
    void connect(RunningSandbox sandbox) {
        gateway = new Gateway(sandbox.url("gateway"), "alice");
        traces = new TraceStore(sandbox.url("zipkin"));
    }

    @Test
    void anOrderIsOneTraceFromTheGatewayThroughTheOutboxAndThePaymentProcessorBack() {
        var order = """
                {"customerId":"trace-%s","currency":"EUR","items":[{"sku":"book","quantity":1,"unitPrice":12.50}]}
                """.formatted(UUID.randomUUID());
        var response = gateway.post("/api/orders", "application/json", order, Map.of("Idempotency-Key", UUID.randomUUID().toString()));
        assertThat(response.statusCode()).as(response.body()).isBetween(200, 202);

        var trace = traces.awaitWhole(Gateway.traceId(response), List.of(List.of(
                Hop.of("gateway", "post /api/orders"),
                Hop.of("order-service", "post /orders"),
                // The outbox relay publishes the row's event under the request's context, stored with the row.
                Hop.of("order-service", "orders\\S* publish"),
                Hop.of("order-processor", "orders\\S* process"),
                Hop.of("order-processor", "payments\\S* publish"),
                Hop.of("order-service", "payments\\S* process"))));

        assertTree(trace, "gateway", "order-service", "order-processor");
    }

    @Test
    void anUploadIsOneTraceFromTheGatewayThroughKafkaAndTheSinkToPostgres() {
        var id = UUID.randomUUID().toString();
        var csv = "id,type,source\n" + id + ",click,trace-test\n";
        var response = gateway.post("/api/events", "text/csv", csv, Map.of());
        assertThat(response.statusCode()).as(response.body()).isBetween(200, 202);

        var toSink = List.of(
                Hop.of("gateway", "post /api/events"),
                Hop.of("ingestion-service", "post /events"),
                Hop.of("ingestion-service", "events\\S* publish"),
                Hop.of("ingestion-sink", "events\\S* process"));
        // The batch's two writes, in one transaction: the events (WITH batch AS ... INSERT) and the offsets.
        var trace = traces.awaitWhole(Gateway.traceId(response), List.of(
                concat(toSink, Hop.of("ingestion-sink", "select ingestion")),
                concat(toSink, Hop.of("ingestion-sink", "insert ingestion.sink_offsets"))));

        assertTree(trace, "gateway", "ingestion-service", "ingestion-sink");
    }

    @Test
    void aQuestionIsOneTraceThroughEveryRetrievalStep() {
        var response = gateway.post("/api/rag/query", "application/json",
                "{\"question\":\"Why does the gateway keep rate limit counters in Redis?\"}", Map.of());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);

        var steps = List.of("rag.embed", "rag.search.bm25", "rag.search.vector", "rag.fuse", "rag.answer");
        var trace = traces.awaitWhole(Gateway.traceId(response), steps.stream()
                .map(step -> List.of(Hop.of("gateway", "post /api/rag/?"), Hop.of("rag-service", "post /rag/query"),
                        Hop.of("rag-service", java.util.regex.Pattern.quote(step))))
                .toList());

        assertTree(trace, "gateway", "rag-service");
    }

    @Test
    void anIngestedDocumentIsOneTraceThroughTheWorkQueue() {
        var document = """
                {"title":"trace %1$s","text":"# Tracing\\n\\nA document sent to be traced through the work queue, %1$s."}
                """.formatted(UUID.randomUUID());
        var response = gateway.post("/api/rag/documents", "application/json", document, Map.of());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);

        var trace = traces.awaitWhole(Gateway.traceId(response), List.of(
                List.of(Hop.of("gateway", "post /api/rag/?"), Hop.of("rag-service", "post /rag/documents"),
                        Hop.of("rag-service", "rag.ingest publish"), Hop.of("rag-service", "rag.ingest process"),
                        Hop.of("rag-service", "rag.ingest"), Hop.of("rag-service", "rag.chunk")),
                List.of(Hop.of("rag-service", "rag.ingest"), Hop.of("rag-service", "rag.embed")),
                List.of(Hop.of("rag-service", "rag.ingest"), Hop.of("rag-service", "rag.index"))),
                // The job queues behind the project's docs, which rag-service ingests when the sandbox starts.
                Duration.ofMinutes(8));

        assertTree(trace, "gateway", "rag-service");
    }

    @Test
    void aChatMessageIsOneTraceFromTheSendThroughRabbitMqToTheDeliveryOnTheOtherNode(RunningSandbox sandbox) throws Exception {
        var room = "trace-" + UUID.randomUUID().toString().substring(0, 8);
        // A listener on each node, so both nodes deliver whichever node the gateway gives the sender.
        try (var nodeA = ChatClient.open(gateway, sandbox.url("chat-service"), room);
             var nodeB = ChatClient.open(gateway, sandbox.url("chat-service-2"), room);
             var sender = ChatClient.open(gateway, gateway.url() + "/api", room)) {
            var clientMsgId = UUID.randomUUID().toString();
            sender.send("{\"type\":\"send\",\"clientMsgId\":\"" + clientMsgId + "\",\"text\":\"traced\"}");
            var sent = sender.await("sent");
            nodeA.await("message");
            nodeB.await("message");
            // The message's own trace, named in its sent frame (protocol v2): what a user pastes into the trace UI.
            var traceId = sent.path("traceId").asText("");
            assertThat(traceId).as("the sent frame names its trace: " + sent).matches("[0-9a-f]{32}");

            // chat-service's spans: the send (the root: a message is a trace of its own, not part of
            // the connection's), its one publish to the exchange, and a process span on each node that
            // delivers it, each a child of the publish through the AMQP headers.
            var anyNode = "chat-service(-2)?";
            var trace = traces.awaitWhole(traceId, Stream.of("chat-service", "chat-service-2")
                    .map(node -> List.of(Hop.of(anyNode, "chat send"), Hop.of(anyNode, "chat\\.rooms publish"),
                            Hop.of(node, "chat\\.rooms process")))
                    .toList());
            assertThat(trace.roots()).as(trace.render()).singleElement()
                    .satisfies(root -> assertThat(root.name()).isEqualTo("chat send"))
                    .satisfies(root -> assertThat(root.kind()).isEqualTo("SERVER"));
            assertThat(trace.spans()).as(trace.render()).filteredOn(span -> span.name().endsWith("process"))
                    .hasSize(2).allSatisfy(span -> assertThat(span.kind()).isEqualTo("CONSUMER"));
            assertThat(trace.orphans()).as(trace.render()).isEmpty();
            assertThat(trace.services()).as(trace.render()).containsExactlyInAnyOrder("chat-service", "chat-service-2");
        }
    }

    private static List<Hop> concat(List<Hop> path, Hop last) {
        var all = new java.util.ArrayList<>(path);
        all.add(last);
        return all;
    }

    /** One tree: the gateway's request is the only root, every parent is there, each process named. */
    private static void assertTree(Trace trace, String... services) {
        assertThat(trace.roots()).as(trace.render()).singleElement()
                .satisfies(root -> assertThat(root.service()).isEqualTo("gateway"))
                .satisfies(root -> assertThat(root.kind()).isEqualTo("SERVER"));
        assertThat(trace.orphans()).as(trace.render()).isEmpty();
        assertThat(trace.services()).as(trace.render()).containsExactlyInAnyOrder(services);
    }

    /** A websocket client of the chat protocol: frames in a queue, awaited by type. */
    private static final class ChatClient implements WebSocket.Listener, AutoCloseable {

        private final LinkedBlockingQueue<JsonNode> frames = new LinkedBlockingQueue<>();
        private final StringBuilder partial = new StringBuilder();
        private WebSocket socket;

        static ChatClient open(Gateway gateway, String base, String room) throws Exception {
            var client = new ChatClient();
            client.socket = gateway.websocket(base, "/chat/rooms/" + room, client);
            client.await("welcome");
            return client;
        }

        void send(String frame) throws Exception {
            socket.sendText(frame, true).get(10, TimeUnit.SECONDS);
        }

        JsonNode await(String type) throws Exception {
            var deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (System.nanoTime() < deadline) {
                var frame = frames.poll(1, TimeUnit.SECONDS);
                if (frame != null && type.equals(frame.path("type").asText())) {
                    return frame;
                }
            }
            throw new AssertionError("no " + type + " frame within 30 s");
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                try {
                    frames.add(Gateway.JSON.readTree(partial.toString()));
                } catch (Exception e) {
                    throw new IllegalStateException("not JSON: " + partial, e);
                } finally {
                    partial.setLength(0);
                }
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public void close() {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "done");
            CompletableFuture.runAsync(socket::abort, CompletableFuture.delayedExecutor(1, TimeUnit.SECONDS));
        }
    }
}
