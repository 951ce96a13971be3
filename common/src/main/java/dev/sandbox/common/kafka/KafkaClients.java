package dev.sandbox.common.kafka;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.quarkus.arc.properties.IfBuildProperty;
import io.smallrye.common.annotation.Identifier;

/**
 * Every Kafka client of a service starts here: the {@code kafka.*} configuration (bootstrap
 * servers, security settings: whatever the environment gives, gathered by Quarkus as the default
 * broker's configuration), then the guarantees every service relies on, then the service's own
 * policy (timeouts, batching, transactional ids), which it adds to the map it gets back.
 *
 * <p>Clients made by {@link #producer} and {@link #consumer} have their metrics bound to the
 * service's registry ({@code kafka_producer_*}, {@code kafka_consumer_*}, tagged with the client
 * id) until they are closed. Built into the services that set {@code sandbox.kafka=true}.
 */
@ApplicationScoped
@IfBuildProperty(name = "sandbox.kafka", stringValue = "true")
public class KafkaClients {

    private final Map<String, Object> kafka;
    private final MeterRegistry registry;

    KafkaClients(@Identifier("default-kafka-broker") Map<String, Object> kafka, MeterRegistry registry) {
        this.kafka = new HashMap<>(kafka);
        // Quarkus adds the application's name as a group id; a consumer names its group itself.
        this.kafka.remove(ConsumerConfig.GROUP_ID_CONFIG);
        this.registry = registry;
    }

    /** The {@code kafka.*} settings alone, e.g. {@code bootstrap.servers}. */
    public Map<String, Object> settings() {
        return new HashMap<>(kafka);
    }

    /**
     * An admin client's settings. The timeouts are short: topic creation and readiness run while
     * the broker may be away, and should learn it in seconds, not in the one-minute default.
     */
    public Map<String, Object> adminConfig() {
        var config = settings();
        config.put(CommonClientConfigs.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        config.put(CommonClientConfigs.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000);
        return config;
    }

    /**
     * A producer that loses nothing it was told is acknowledged: every in-sync replica has the record
     * ({@code acks=all}), and the broker drops the copies the producer's own retries would write
     * ({@code enable.idempotence}). It does not help when the application sends the same event twice.
     * Keys are strings.
     */
    public Map<String, Object> producerConfig(String clientId, Class<? extends Serializer<?>> valueSerializer) {
        var config = settings();
        config.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, valueSerializer.getName());
        return config;
    }

    /**
     * A consumer of a group that reads committed records only (aborted transactions are never
     * seen), commits offsets itself, after its work is done, and starts from the beginning of a
     * partition its group never committed on. Keys are strings.
     */
    public Map<String, Object> consumerConfig(String groupId, String clientId, Class<? extends Deserializer<?>> valueDeserializer) {
        var config = settings();
        config.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, valueDeserializer.getName());
        return config;
    }

    /** A producer with {@code config}, its metrics bound until it is closed. */
    public <K, V> KafkaProducer<K, V> producer(Map<String, Object> config) {
        return new MeteredProducer<>(config, registry);
    }

    /** A consumer with {@code config}, its metrics bound until it is closed. */
    public <K, V> KafkaConsumer<K, V> consumer(Map<String, Object> config) {
        return new MeteredConsumer<>(config, registry);
    }

    /** The producer, and its meters, which go when it closes (a client made again binds them again). */
    private static final class MeteredProducer<K, V> extends KafkaProducer<K, V> {

        private final KafkaClientMetrics metrics;

        MeteredProducer(Map<String, Object> config, MeterRegistry registry) {
            super(config);
            this.metrics = new KafkaClientMetrics(this);
            metrics.bindTo(registry);
        }

        @Override
        public void close(Duration timeout) {
            try {
                super.close(timeout);
            } finally {
                metrics.close();
            }
        }
    }

    /** The consumer, and its meters, which go when it closes. */
    private static final class MeteredConsumer<K, V> extends KafkaConsumer<K, V> {

        private final KafkaClientMetrics metrics;

        MeteredConsumer(Map<String, Object> config, MeterRegistry registry) {
            super(config);
            this.metrics = new KafkaClientMetrics(this);
            metrics.bindTo(registry);
        }

        @Override
        public void close() {
            try {
                super.close();
            } finally {
                metrics.close();
            }
        }

        @Override
        public void close(CloseOptions option) {
            try {
                super.close(option);
            } finally {
                metrics.close();
            }
        }
    }
}
