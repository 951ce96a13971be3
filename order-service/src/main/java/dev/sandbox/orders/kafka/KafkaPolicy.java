package dev.sandbox.orders.kafka;

import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import dev.sandbox.common.kafka.DeclaredTopics;
import dev.sandbox.common.kafka.KafkaClients;
import dev.sandbox.orders.OrdersConfig;

/**
 * This service's choices on top of common's {@link KafkaClients}: client ids and transactional ids
 * derived from the instance's stable name, and short timeouts, so that with a dead broker a client
 * fails in seconds and its loop starts over, instead of blocking for the one-minute defaults. Also
 * declares {@code orders.v1} and {@code payments.v1}, which common's {@code KafkaTopics} creates.
 */
@ApplicationScoped
public class KafkaPolicy {

    private final KafkaClients clients;
    private final String instanceId;

    KafkaPolicy(KafkaClients clients, OrdersConfig orders) {
        this.clients = clients;
        this.instanceId = orders.instanceId();
    }

    /**
     * Partitions as configured; records are keyed by order id, so an order's events stay in order.
     * Their copies are the cluster's setting ({@code sandbox.topics.*}, common's {@code KafkaTopics}).
     */
    @Produces
    @Singleton
    static DeclaredTopics topics(OrdersConfig orders) {
        var config = orders.topics();
        return DeclaredTopics.of(
                DeclaredTopics.topic(config.orders(), config.partitions()),
                DeclaredTopics.topic(config.payments(), config.partitions()));
    }

    /** An idempotent producer (see {@link KafkaClients#producerConfig}). */
    public Map<String, Object> producerConfig(String name) {
        var config = clients.producerConfig(name + "-" + instanceId, StringSerializer.class);
        config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
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
     * A consumer (see {@link KafkaClients#consumerConfig}) that is a static member of its group: a
     * restarted instance takes its partitions back at once, without waiting for the session of the
     * one that was killed to expire.
     */
    public Map<String, Object> consumerConfig(String groupId) {
        var config = clients.consumerConfig(groupId, groupId + "-" + instanceId, StringDeserializer.class);
        config.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, groupId + "-" + instanceId);
        config.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 15_000);
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 200);
        config.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        config.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000);
        return config;
    }
}
