package dev.sandbox.orders.kafka;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;

/**
 * Publishes events outside any Kafka transaction, with an idempotent producer (see
 * {@link KafkaClients#producerConfig}): what the outbox relay and the dual-write design use.
 */
@ApplicationScoped
public class EventPublisher {

    private final KafkaProducer<String, String> producer;
    private final Topics topics;
    private final MessageTracing tracing;

    EventPublisher(KafkaClients clients, Topics topics, MessageTracing tracing) {
        this.producer = new KafkaProducer<>(clients.producerConfig("order-events"));
        this.topics = topics;
        this.tracing = tracing;
    }

    /** Sends one event; the future completes when the broker has it (acks=all), or fails. */
    public CompletableFuture<RecordMetadata> publish(String topic, String key, String payload, Context parent)
            throws InterruptedException, ExecutionException {
        topics.ensureCreated();
        var span = tracing.start(topic, "publish", SpanKind.PRODUCER, parent);
        var record = new ProducerRecord<>(topic, key, payload);
        tracing.inject(span, record.headers());
        var acknowledged = new CompletableFuture<RecordMetadata>();
        try {
            producer.send(record, (metadata, error) -> {
                if (error != null) {
                    span.recordException(error);
                    span.setStatus(StatusCode.ERROR);
                    acknowledged.completeExceptionally(error);
                } else {
                    acknowledged.complete(metadata);
                }
                span.end();
            });
        } catch (RuntimeException e) {
            span.recordException(e);
            span.setStatus(StatusCode.ERROR);
            span.end();
            throw e;
        }
        return acknowledged;
    }

    @PreDestroy
    void close() {
        producer.close(java.time.Duration.ofSeconds(5));
    }
}
