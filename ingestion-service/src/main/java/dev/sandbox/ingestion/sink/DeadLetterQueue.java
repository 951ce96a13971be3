package dev.sandbox.ingestion.sink;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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

import io.smallrye.common.annotation.Identifier;

import dev.sandbox.ingestion.IngestionConfig;
import dev.sandbox.ingestion.publish.KafkaClients;

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
    private final Map<String, Object> kafka;
    private KafkaProducer<String, byte[]> producer;

    DeadLetterQueue(IngestionConfig config, @Identifier("default-kafka-broker") Map<String, Object> kafka) {
        this.config = config;
        this.kafka = kafka;
    }

    /** Sends every dead letter and waits for Kafka to have them all. */
    void send(List<Incoming> deadLetters) throws InterruptedException, ExecutionException {
        if (deadLetters.isEmpty()) {
            return;
        }
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
            producer = new KafkaProducer<>(KafkaClients.producerConfig(kafka, config.producer(), "ingestion-sink-dlq"));
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
