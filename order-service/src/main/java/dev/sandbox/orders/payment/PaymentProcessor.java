package dev.sandbox.orders.payment;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.jboss.logging.Logger;

import dev.sandbox.common.chaos.CrashPoints;
import dev.sandbox.common.config.KebabCase;
import dev.sandbox.common.kafka.KafkaClients;
import dev.sandbox.common.kafka.KafkaTopics;
import dev.sandbox.common.kafka.MessagingSpans;
import dev.sandbox.common.work.BackgroundLoop;
import dev.sandbox.common.work.BackgroundLoops;
import dev.sandbox.orders.OrdersConfig.Delivery;
import dev.sandbox.orders.OrdersConfig;
import dev.sandbox.orders.chaos.CrashConfig;
import dev.sandbox.orders.events.EventJson;
import dev.sandbox.orders.events.OrderPlaced;
import dev.sandbox.orders.events.PaymentResult.Outcome;
import dev.sandbox.orders.events.PaymentResult;
import dev.sandbox.orders.kafka.KafkaPolicy;
import dev.sandbox.orders.kafka.TopicsConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.context.Context;
import io.quarkus.runtime.StartupEvent;

/**
 * The payment processor: consume {@code orders.v1}, charge, produce {@code payments.v1}, commit.
 * With {@code delivery=transactional} the results and the consumed offsets commit in one Kafka
 * transaction: after a crash, either both are there or neither is, and the batch is processed
 * again. The charge is a database write, outside that transaction: the ledger's idempotency key
 * makes charging again harmless, and the record that made a charge tells whether its result must
 * be published again (see {@link #process}).
 * <p>
 * With {@code delivery=at-least-once}, results are produced, then the offsets committed: a crash
 * in between delivers the results twice. With {@code dedupe=off}, a redelivered order is charged twice.
 */
@ApplicationScoped
public class PaymentProcessor implements BackgroundLoop.Worker {

    private static final Logger LOG = Logger.getLogger(PaymentProcessor.class);
    private static final Duration POLL_TIMEOUT = Duration.ofMillis(500);

    private final KafkaClients clients;
    private final KafkaPolicy policy;
    private final KafkaTopics kafkaTopics;
    private final TopicsConfig topics;
    private final PaymentLedger ledger;
    private final EventJson json;
    private final MessagingSpans tracing;
    private final CrashPoints crashPoints;
    private final CrashConfig crash;
    private final OrdersConfig orders;
    private final ProcessorConfig config;
    private final MeterRegistry registry;
    private final boolean transactional;

    private KafkaConsumer<String, String> consumer;
    private KafkaProducer<String, String> producer;
    private boolean inTransaction;

    PaymentProcessor(KafkaClients clients, KafkaPolicy policy, KafkaTopics kafkaTopics, PaymentLedger ledger,
            EventJson json, MessagingSpans tracing, CrashPoints crashPoints, OrdersConfig orders,
            MeterRegistry registry) {
        this.clients = clients;
        this.policy = policy;
        this.kafkaTopics = kafkaTopics;
        this.topics = orders.topics();
        this.ledger = ledger;
        this.json = json;
        this.tracing = tracing;
        this.crashPoints = crashPoints;
        this.crash = orders.crash();
        this.orders = orders;
        this.config = orders.processor();
        this.registry = registry;
        this.transactional = orders.delivery() == Delivery.TRANSACTIONAL;
    }

    void start(@Observes StartupEvent event, BackgroundLoops loops) {
        if (orders.runs(OrdersConfig.Role.PROCESSOR)) {
            LOG.infof("payment processor: delivery=%s, dedupe=%s", KebabCase.of(orders.delivery()), orders.dedupe() ? "on" : "off");
            loops.start("payment-processor", this);
        }
    }


    @Override
    public void step() throws Exception {
        if (consumer == null) {
            open();
        }
        var records = consumer.poll(POLL_TIMEOUT);
        if (records.isEmpty()) {
            return;
        }
        if (transactional) {
            producer.beginTransaction();
            inTransaction = true;
        }
        var sends = new ArrayList<Future<?>>();
        for (var record : records) {
            process(record, sends);
        }
        producer.flush();
        for (var send : sends) {
            send.get(); // a failed send fails the batch: its offsets must not be committed
        }
        crashPoints.reach("after-produce", crash.afterProduce());
        commit(nextOffsets(records));
        registry.counter("orders.processor.batches", "delivery", KebabCase.of(orders.delivery())).increment();
    }

    /**
     * Charges the order of one record and produces its result, unless that result is in the log
     * already. A charge found in the ledger was made by this record or by another one:
     * <ul>
     * <li>this record, delivered again: the batch that made the charge never committed, so its
     * result was never published (its transaction was aborted). Publish it now.</li>
     * <li>another record: the relay published the order twice. The first record's result was
     * committed with the first record's offsets, or is in this same transaction. Skip.</li>
     * </ul>
     */
    private void process(ConsumerRecord<String, String> record, List<Future<?>> sends) throws Exception {
        var span = tracing.process(record);
        try (var scope = span.makeCurrent()) {
            OrderPlaced order;
            try {
                order = json.read(record.value(), OrderPlaced.class);
            } catch (IllegalArgumentException poison) {
                // Retrying cannot fix it; blocking the partition forever would stop every order behind it.
                LOG.errorf("skipping unreadable record %s-%d@%d: %s", record.topic(), record.partition(), record.offset(), poison.getMessage());
                registry.counter("orders.processor.unreadable").increment();
                return;
            }
            var charge = ledger.charge(order, decide(order), record.partition(), record.offset(), orders.dedupe());
            crashPoints.reach("after-charge", crash.afterCharge());
            if (!charge.fresh() && !charge.madeBy(record.partition(), record.offset())) {
                registry.counter("orders.processor.duplicates.skipped").increment();
                return;
            }
            var result = new PaymentResult(order.orderId(), charge.outcome(), order.total(), order.currency(), charge.entry(),
                    Instant.now());
            var out = new ProducerRecord<>(topics.payments(), order.orderId().toString(), json.write(result));
            var publish = tracing.publish(topics.payments(), Context.current());
            tracing.inject(publish, out.headers());
            sends.add(producer.send(out, (metadata, error) -> publish.end()));
            registry.counter("orders.payments", "outcome", KebabCase.of(charge.outcome()),
                    "charge", charge.fresh() ? "new" : "redelivered").increment();
        } finally {
            span.end();
        }
    }

    private Outcome decide(OrderPlaced order) {
        return order.total().compareTo(config.declineAbove()) > 0 ? Outcome.REJECTED : Outcome.PAID;
    }

    private void commit(Map<TopicPartition, OffsetAndMetadata> offsets) {
        if (transactional) {
            // The offsets join the transaction: they commit with the results, or vanish with them.
            producer.sendOffsetsToTransaction(offsets, consumer.groupMetadata());
            crashPoints.reach("before-commit", crash.beforeCommit());
            producer.commitTransaction();
            inTransaction = false;
        } else {
            crashPoints.reach("before-commit", crash.beforeCommit());
            consumer.commitSync(offsets);
        }
    }

    private static Map<TopicPartition, OffsetAndMetadata> nextOffsets(ConsumerRecords<String, String> records) {
        var offsets = new HashMap<TopicPartition, OffsetAndMetadata>();
        for (var partition : records.partitions()) {
            var last = records.records(partition).getLast();
            offsets.put(partition, new OffsetAndMetadata(last.offset() + 1));
        }
        return offsets;
    }

    private void open() throws Exception {
        kafkaTopics.ensureCreated();
        if (transactional) {
            producer = clients.producer(policy.transactionalProducerConfig("order-processor"));
            // Fences any earlier incarnation of this instance and aborts the transaction it left open.
            producer.initTransactions();
        } else {
            producer = clients.producer(policy.producerConfig("order-processor"));
        }
        consumer = clients.consumer(policy.consumerConfig(config.groupId()));
        consumer.subscribe(List.of(topics.orders()));
    }

    /**
     * Closes both clients after a failure (or at stop). An open transaction is aborted; the next
     * step opens new clients, and the consumer resumes from the committed offsets: what was not
     * committed is processed again.
     */
    @Override
    public void close() {
        if (producer != null) {
            if (inTransaction) {
                try {
                    producer.abortTransaction();
                } catch (RuntimeException e) {
                    LOG.debugf("abort failed (%s); the next incarnation's initTransactions aborts it", e);
                }
                inTransaction = false;
            }
            producer.close(Duration.ofSeconds(5));
            producer = null;
        }
        if (consumer != null) {
            consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
            consumer = null;
        }
    }
}
