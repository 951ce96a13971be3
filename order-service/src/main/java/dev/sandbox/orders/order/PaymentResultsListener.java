package dev.sandbox.orders.order;

import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.jboss.logging.Logger;

import dev.sandbox.common.config.KebabCase;
import dev.sandbox.common.kafka.KafkaClients;
import dev.sandbox.common.kafka.KafkaTopics;
import dev.sandbox.common.kafka.MessagingSpans;
import dev.sandbox.common.work.BackgroundLoop;
import dev.sandbox.common.work.BackgroundLoops;
import dev.sandbox.orders.OrdersConfig;
import dev.sandbox.orders.events.EventJson;
import dev.sandbox.orders.events.PaymentResult;
import dev.sandbox.orders.kafka.KafkaPolicy;
import dev.sandbox.orders.kafka.TopicsConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;

/**
 * Moves orders to PAID or REJECTED as {@code payments.v1} says. At-least-once is enough here: the
 * update only changes a PENDING order, so a result applied twice changes nothing the second time.
 */
@ApplicationScoped
public class PaymentResultsListener implements BackgroundLoop.Worker {

    private static final Logger LOG = Logger.getLogger(PaymentResultsListener.class);

    private final KafkaClients clients;
    private final KafkaPolicy policy;
    private final KafkaTopics kafkaTopics;
    private final TopicsConfig topics;
    private final Orders orders;
    private final EventJson json;
    private final MessagingSpans tracing;
    private final OrdersConfig config;
    private final MeterRegistry registry;
    private final String groupId;
    private KafkaConsumer<String, String> consumer;

    PaymentResultsListener(KafkaClients clients, KafkaPolicy policy, KafkaTopics kafkaTopics, Orders orders,
            EventJson json, MessagingSpans tracing, OrdersConfig config, MeterRegistry registry) {
        this.clients = clients;
        this.policy = policy;
        this.kafkaTopics = kafkaTopics;
        this.topics = config.topics();
        this.orders = orders;
        this.json = json;
        this.tracing = tracing;
        this.config = config;
        this.registry = registry;
        this.groupId = config.paymentResults().groupId();
    }

    void start(@Observes StartupEvent event, BackgroundLoops loops) {
        if (config.runs(OrdersConfig.Role.API)) {
            loops.start("payment-results", this);
        }
    }


    @Override
    public void step() throws Exception {
        if (consumer == null) {
            kafkaTopics.ensureCreated();
            consumer = clients.consumer(policy.consumerConfig(groupId));
            consumer.subscribe(List.of(topics.payments()));
        }
        var records = consumer.poll(Duration.ofMillis(500));
        var offsets = new HashMap<TopicPartition, OffsetAndMetadata>();
        for (var record : records) {
            apply(record);
            offsets.put(new TopicPartition(record.topic(), record.partition()), new OffsetAndMetadata(record.offset() + 1));
        }
        if (!offsets.isEmpty()) {
            consumer.commitSync(offsets);
        }
    }

    private void apply(ConsumerRecord<String, String> record) throws SQLException {
        var span = tracing.process(record);
        try (var scope = span.makeCurrent()) {
            PaymentResult result;
            try {
                result = json.read(record.value(), PaymentResult.class);
            } catch (IllegalArgumentException poison) {
                LOG.errorf("skipping unreadable record %s-%d@%d: %s", record.topic(), record.partition(), record.offset(), poison.getMessage());
                return;
            }
            var status = result.outcome() == PaymentResult.Outcome.PAID ? OrderStatus.PAID : OrderStatus.REJECTED;
            var changed = orders.settle(result.orderId(), status);
            registry.counter("orders.settled", "status", KebabCase.of(status),
                    "applied", changed ? "yes" : "already").increment();
        } finally {
            span.end();
        }
    }

    @Override
    public void close() {
        if (consumer != null) {
            consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
            consumer = null;
        }
    }
}
