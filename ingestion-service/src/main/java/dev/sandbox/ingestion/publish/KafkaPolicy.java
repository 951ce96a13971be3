package dev.sandbox.ingestion.publish;

import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import dev.sandbox.common.kafka.DeclaredTopics;
import dev.sandbox.common.kafka.KafkaClients;
import dev.sandbox.ingestion.IngestionConfig;

/**
 * This service's choices on top of common's {@link KafkaClients}: the producer's batching and
 * timeouts come from {@code ingestion.producer.*}; values are the encoded events' bytes. Also
 * declares the events topic (its partitions are the sink's parallelism) and the dead-letter topic,
 * which common's {@code KafkaTopics} creates with the cluster's replication settings.
 */
@ApplicationScoped
public class KafkaPolicy {

    private final KafkaClients clients;
    private final IngestionConfig.Producer producer;

    KafkaPolicy(KafkaClients clients, IngestionConfig config) {
        this.clients = clients;
        this.producer = config.producer();
    }

    @Produces
    @Singleton
    static DeclaredTopics topics(IngestionConfig config) {
        var topics = config.topics();
        return DeclaredTopics.of(
                DeclaredTopics.topic(topics.events(), topics.partitions()),
                DeclaredTopics.topic(topics.deadLetters(), 1));
    }

    /** A producer of events (see {@link KafkaClients#producerConfig}), batched and bounded as configured. */
    public Map<String, Object> producerConfig(String clientId) {
        var config = clients.producerConfig(clientId, ByteArraySerializer.class);
        config.put(ProducerConfig.LINGER_MS_CONFIG, (int) producer.linger().toMillis());
        config.put(ProducerConfig.BATCH_SIZE_CONFIG, producer.batchSize());
        config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, producer.compression());
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) producer.deliveryTimeout().toMillis());
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG,
                (int) Math.min(10_000, producer.deliveryTimeout().toMillis() - producer.linger().toMillis()));
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, producer.maxBlock().toMillis());
        return config;
    }
}
