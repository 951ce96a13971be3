package dev.sandbox.ingestion.publish;

import java.util.HashMap;
import java.util.Map;

import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import dev.sandbox.ingestion.IngestionConfig;

/**
 * Client configurations built on the {@code kafka.*} properties (bootstrap servers, and security
 * settings if any), which Quarkus gathers as the default broker's configuration.
 */
public final class KafkaClients {

    private KafkaClients() {
    }

    public static Map<String, Object> adminConfig(Map<String, Object> kafka) {
        var config = new HashMap<>(kafka);
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000);
        return config;
    }

    /**
     * A producer that loses nothing it acknowledged: every in-sync replica has the record
     * ({@code acks=all}), and retries cannot duplicate or reorder it ({@code enable.idempotence}).
     */
    public static Map<String, Object> producerConfig(Map<String, Object> kafka, IngestionConfig.Producer producer, String clientId) {
        var config = new HashMap<>(kafka);
        config.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.LINGER_MS_CONFIG, (int) producer.linger().toMillis());
        config.put(ProducerConfig.BATCH_SIZE_CONFIG, producer.batchSize());
        config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, producer.compression());
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) producer.deliveryTimeout().toMillis());
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG,
                (int) Math.min(10_000, producer.deliveryTimeout().toMillis() - producer.linger().toMillis()));
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, producer.maxBlock().toMillis());
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return config;
    }
}
