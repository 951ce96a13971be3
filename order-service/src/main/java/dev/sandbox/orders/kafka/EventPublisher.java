package dev.sandbox.orders.kafka;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;

import dev.sandbox.common.kafka.KafkaClients;
import dev.sandbox.common.kafka.KafkaTopics;
import dev.sandbox.common.kafka.MessagingSpans;

/**
 * Publishes events outside any Kafka transaction, with an idempotent producer (see
 * {@link KafkaPolicy#producerConfig}): what the outbox relay and the dual-write design use.
 */
@ApplicationScoped
public class EventPublisher {

    private final KafkaProducer<String, String> producer;
    private final KafkaTopics topics;
    private final MessagingSpans tracing;

    EventPublisher(KafkaClients clients, KafkaPolicy policy, KafkaTopics topics, MessagingSpans tracing) {
        this.producer = clients.producer(policy.producerConfig("order-events"));
        this.topics = topics;
        this.tracing = tracing;
    }

    /** Sends one event; the future completes when the broker has it (acks=all), or fails. */
    public CompletableFuture<RecordMetadata> publish(String topic, String key, String payload, Context parent)
            throws InterruptedException, ExecutionException {
        topics.ensureCreated();
        var span = tracing.publish(topic, parent);
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
        producer.close(Duration.ofSeconds(5));
    }
}
