package dev.sandbox.ingestion.sink;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;

import dev.sandbox.common.kafka.KafkaClients;
import dev.sandbox.common.kafka.KafkaTopics;
import dev.sandbox.ingestion.IngestionConfig;
import dev.sandbox.ingestion.publish.KafkaPolicy;

/**
 * The dead-letter topic: records the sink cannot store go there as they were (key, value, headers),
 * with where they came from and why, before the sink moves past them. A redelivery may send one
 * twice; the database's {@code dead_letters} table counts it once.
 */
@ApplicationScoped
public class DeadLetterQueue {

    /** Why the record is here. */
    public static final String REASON = "dlq.reason";
    /** Where it was: {@code events.v1/3@1207}. */
    public static final String ORIGIN = "dlq.origin";

    private final IngestionConfig config;
    private final KafkaClients clients;
    private final KafkaPolicy policy;
    private final KafkaTopics topics;
    private KafkaProducer<String, byte[]> producer;

    DeadLetterQueue(IngestionConfig config, KafkaClients clients, KafkaPolicy policy, KafkaTopics topics) {
        this.config = config;
        this.clients = clients;
        this.policy = policy;
        this.topics = topics;
    }

    /** Sends every dead letter and waits for Kafka to have them all. */
    void send(List<Incoming> deadLetters) throws InterruptedException, ExecutionException {
        if (deadLetters.isEmpty()) {
            return;
        }
        topics.ensureCreated();
        var sent = new ArrayList<Future<RecordMetadata>>();
        for (var letter : deadLetters) {
            var original = letter.record();
            var headers = new RecordHeaders(original.headers().toArray());
            headers.add(new RecordHeader(REASON, letter.deadLetterReason().getBytes(StandardCharsets.UTF_8)));
            headers.add(new RecordHeader(ORIGIN, (original.topic() + "/" + original.partition() + "@" + original.offset())
                    .getBytes(StandardCharsets.UTF_8)));
            var record = new ProducerRecord<>(config.topics().deadLetters(), null, original.key(), original.value(), headers);
            sent.add(producer().send(record));
        }
        for (var future : sent) {
            future.get();
        }
    }

    private synchronized KafkaProducer<String, byte[]> producer() {
        if (producer == null) {
            producer = clients.producer(policy.producerConfig("ingestion-sink-dlq"));
        }
        return producer;
    }

    @PreDestroy
    synchronized void close() {
        if (producer != null) {
            try {
                producer.close(Duration.ofSeconds(5));
            } catch (KafkaException e) {
                // closing anyway
            }
        }
    }
}
