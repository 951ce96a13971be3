package dev.sandbox.orders.kafka;

import java.util.HashMap;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import dev.sandbox.orders.OrdersConfig;
import io.smallrye.common.annotation.Identifier;

/**
 * The settings of every Kafka client of the service, on top of the {@code kafka.*} configuration
 * (bootstrap servers, security: whatever the environment gives). Timeouts are short on purpose:
 * with a dead broker a client fails in seconds and its loop starts over, instead of blocking for
 * the one-minute defaults.
 */
@ApplicationScoped
public class KafkaClients {

    private final Map<String, Object> kafka;
    private final String instanceId;

    KafkaClients(@Identifier("default-kafka-broker") Map<String, Object> kafka,
            OrdersConfig orders) {
        this.kafka = new HashMap<>(kafka);
        this.kafka.remove(ConsumerConfig.GROUP_ID_CONFIG);
        this.instanceId = orders.instanceId();
    }

    public Map<String, Object> adminConfig() {
        var config = new HashMap<>(kafka);
        config.put(CommonClientConfigs.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        config.put(CommonClientConfigs.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000);
        return config;
    }

    /**
     * An idempotent producer: each record carries the producer's id and a sequence number, so the
     * broker drops the copies its own retries would write. It does not help when the application
     * sends the same event twice; that is what the outbox relay's and the processor's designs are for.
     */
    public Map<String, Object> producerConfig(String name) {
        var config = new HashMap<>(kafka);
        config.put(ProducerConfig.CLIENT_ID_CONFIG, name + "-" + instanceId);
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        return config;
    }

    /**
     * A transactional producer. Its transactional id is stable across restarts of this instance:
     * the next incarnation's {@code initTransactions()} aborts what a killed one left open and fences
     * it, at once, instead of read_committed consumers waiting for the transaction timeout.
     */
    public Map<String, Object> transactionalProducerConfig(String name) {
        var config = producerConfig(name);
        config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, name + "-" + instanceId);
        // How long a transaction a crashed instance left open holds back read_committed consumers
        // if no instance with the same id comes back to abort it.
        config.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 15_000);
        return config;
    }

    /**
     * A consumer that reads committed records only and commits offsets itself. It is a static
     * member of its group: a restarted instance takes its partitions back at once, without waiting
     * for the session of the one that was killed to expire.
     */
    public Map<String, Object> consumerConfig(String groupId) {
        var config = new HashMap<>(kafka);
        config.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        config.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, groupId + "-" + instanceId);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, groupId + "-" + instanceId);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 15_000);
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 200);
        config.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        config.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000);
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        return config;
    }
}
