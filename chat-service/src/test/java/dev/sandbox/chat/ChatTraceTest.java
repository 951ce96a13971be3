package dev.sandbox.chat;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URL;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import com.rabbitmq.client.ConnectionFactory;

import dev.sandbox.chat.fanout.Fanout;
import dev.sandbox.chat.fanout.RabbitFanout;
import dev.sandbox.chat.testing.WsClient;
import dev.sandbox.common.telemetry.MessagingTracer;
import dev.sandbox.infra.Component;
import dev.sandbox.infra.testing.GatewayTokens;
import dev.sandbox.infra.testing.TestInfrastructure;
import dev.sandbox.infra.testing.WithInfrastructure;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * One message, one trace across RabbitMQ: a send on this node (the application under test) and its
 * delivery by a second node's fan-out consumer (its own queue on the same exchange, as another node
 * has) share the trace id, and each node's {@code process} span is a child of the one
 * {@code publish} span, itself a child of {@code chat send}, the root, whose trace id the sender's
 * {@code sent} frame carries. Without the trace context in the AMQP
 * headers the consumers' spans would start traces of their own and this fails.
 * {@link ChatRedisTraceTest} runs the same test over {@code chat.fanout=redis}.
 */
@QuarkusTest
@QuarkusTestResource(GatewayTokens.class)
@WithInfrastructure({Component.REDIS, Component.RABBITMQ})
class ChatTraceTest {


    @TestHTTPResource("/")
    URL base;

    @Inject
    InMemorySpanExporter spans;

    @Inject
    OpenTelemetry openTelemetry;

    @Inject
    ChatConfig config;

    /** A second node's fan-out, on the same transport as the node under test's. */
    Fanout otherNode() {
        var rabbit = TestInfrastructure.current().endpoints().rabbitMq();
        var factory = new ConnectionFactory();
        factory.setHost(rabbit.host());
        factory.setPort(rabbit.port());
        factory.setUsername(rabbit.user());
        factory.setPassword(rabbit.password());
        return new RabbitFanout(factory, destination(), config.namespace() + ".node.trace-b-" + UUID.randomUUID(),
                new MessagingTracer(openTelemetry, system()));
    }

    String system() {
        return "rabbitmq";
    }

    /** What the spans are named after: the exchange. */
    String destination() {
        return config.namespace() + ".rooms";
    }

    /** The attributes that say where the room's message went. */
    Map<String, String> routing(String room) {
        return Map.of("messaging.destination.name", destination(), "messaging.rabbitmq.destination.routing_key", room);
    }

    @Test
    void aSendAndItsDeliveryOnAnotherNodeAreOneTrace() throws Exception {
        var room = "trace-" + UUID.randomUUID().toString().substring(0, 8);
        var exchange = destination();
        var otherNode = otherNode();
        var delivered = new LinkedBlockingQueue<SpanContext>();
        otherNode.start((r, payload) -> {
            if (payload.startsWith("m|")) {
                delivered.add(Span.current().getSpanContext());
            }
        });
        otherNode.bind(room);
        try (var alice = WsClient.connect(base.toString().replaceAll("/$", ""), room, "alice", null)) {
            alice.next("welcome");
            alice.sendMessage("t1", "traced");
            var sent = alice.next("sent");
            alice.next("message");
            var atOtherNode = delivered.poll(15, TimeUnit.SECONDS);
            assertThat(atOtherNode).as("the other node's delivery ran inside a span").isNotNull();
            assertThat(atOtherNode.isValid()).isTrue();

            Awaitility.await().atMost(Duration.ofSeconds(15)).until(() -> processSpans(exchange, atOtherNode.getTraceId()) >= 2);
            var trace = spans.getFinishedSpanItems().stream().filter(s -> s.getTraceId().equals(atOtherNode.getTraceId())).toList();
            var send = only(trace, "chat send");
            assertThat(send.getKind()).isEqualTo(SpanKind.SERVER);
            assertThat(send.getParentSpanContext().isValid()).as("a message is the root of a trace of its own").isFalse();
            assertThat(sent.get("traceId").asText()).as("the sent frame names the message's trace").isEqualTo(atOtherNode.getTraceId());
            var publish = only(trace, exchange + " publish");
            assertThat(publish.getKind()).isEqualTo(SpanKind.PRODUCER);
            assertThat(publish.getParentSpanId()).isEqualTo(send.getSpanId());
            assertThat(publish.getAttributes().get(AttributeKey.stringKey("messaging.system"))).isEqualTo(system());
            assertThat(publish.getAttributes().get(AttributeKey.stringKey("messaging.operation.type"))).isEqualTo("send");
            var processes = trace.stream().filter(s -> s.getName().equals(exchange + " process")).toList();
            // This node's own consumer and the other node's: both children of the one publish.
            assertThat(processes).hasSize(2).allSatisfy(process -> {
                assertThat(process.getKind()).isEqualTo(SpanKind.CONSUMER);
                assertThat(process.getParentSpanId()).isEqualTo(publish.getSpanId());
                assertThat(process.getAttributes().get(AttributeKey.stringKey("messaging.system"))).isEqualTo(system());
                assertThat(process.getAttributes().get(AttributeKey.stringKey("messaging.operation.type"))).isEqualTo("process");
                routing(room).forEach((key, value) -> assertThat(process.getAttributes().get(AttributeKey.stringKey(key))).as(key).isEqualTo(value));
            });
            assertThat(processes).extracting(SpanData::getSpanId).contains(atOtherNode.getSpanId());
        } finally {
            otherNode.close();
        }
    }

    private long processSpans(String exchange, String traceId) {
        return spans.getFinishedSpanItems().stream()
                .filter(s -> s.getTraceId().equals(traceId) && s.getName().equals(exchange + " process")).count();
    }

    private static SpanData only(java.util.List<SpanData> trace, String name) {
        var matching = trace.stream().filter(s -> s.getName().equals(name)).toList();
        assertThat(matching).as("spans named %s in %s", name, trace.stream().map(SpanData::getName).toList()).hasSize(1);
        return matching.getFirst();
    }
}
