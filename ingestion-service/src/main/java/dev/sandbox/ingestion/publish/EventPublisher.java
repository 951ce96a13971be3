package dev.sandbox.ingestion.publish;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.header.Header;

import io.micrometer.core.instrument.MeterRegistry;

import dev.sandbox.common.kafka.KafkaClients;
import dev.sandbox.common.kafka.KafkaTopics;
import dev.sandbox.ingestion.IngestionConfig;
import dev.sandbox.ingestion.event.Event;
import dev.sandbox.ingestion.event.EventCodec;

/**
 * Hands events to Kafka, keyed by source, with a bound on the records in flight (sent, not yet
 * acknowledged) across all uploads. When the bound is reached, {@link Batch#send} blocks the thread
 * reading the upload: it stops reading, TCP's window fills, and the client slows down to what the
 * broker takes. Nothing queues without bound; a broker that stays away turns into a 503.
 *
 * <p>Plain Kafka producers, not SmallRye emitters: the pacing needs each send's acknowledgement on
 * the thread that reads the body, and a strict upload needs a transaction of its own, both of
 * which the producer API gives directly.
 */
@ApplicationScoped
public class EventPublisher {

    /** Strict uploads running at once: each holds a transactional producer. */
    private static final int TRANSACTIONAL_PRODUCERS = 4;

    private final KafkaClients clients;
    private final KafkaTopics topics;
    private final Map<String, Object> producerConfig;
    private final KafkaProducer<String, byte[]> producer;
    private final BlockingQueue<KafkaProducer<String, byte[]>> idleTransactional = new ArrayBlockingQueue<>(TRANSACTIONAL_PRODUCERS);
    private final Semaphore transactionalSlots = new Semaphore(TRANSACTIONAL_PRODUCERS);
    private final String transactionalIdPrefix = "ingestion-strict-" + UUID.randomUUID() + "-";
    private int transactionalCreated;
    private final Semaphore inFlight;
    private final int maxInFlight;
    private final long maxWaitMillis;
    private final String topic;

    EventPublisher(IngestionConfig config, KafkaClients clients, KafkaPolicy policy, KafkaTopics topics, MeterRegistry registry) {
        this.clients = clients;
        this.topics = topics;
        this.topic = config.topics().events();
        this.maxInFlight = config.intake().maxInFlight();
        this.inFlight = new Semaphore(maxInFlight);
        this.maxWaitMillis = config.intake().maxWaitForBroker().toMillis();
        this.producerConfig = policy.producerConfig("ingestion-intake");
        this.producer = clients.producer(producerConfig);
        registry.gauge("ingestion.intake.in.flight", inFlight, permits -> maxInFlight - permits.availablePermits());
    }

    /** A batch of sends for one upload, on the shared producer: each record stands on its own. */
    public Batch batch() throws InterruptedException {
        ensureTopics();
        return new Batch(producer, false);
    }

    /**
     * A batch inside a Kafka transaction: read_committed consumers (the sink) see all of it after
     * {@link Batch#commit()}, or none of it. The transaction holds back what those consumers read
     * on the partitions it wrote to until it ends: strict uploads should be short.
     */
    public Batch transaction() throws InterruptedException {
        ensureTopics();
        if (!transactionalSlots.tryAcquire(maxWaitMillis, TimeUnit.MILLISECONDS)) {
            throw new BrokerUnavailableException(TRANSACTIONAL_PRODUCERS + " strict uploads are running; none ended within "
                    + maxWaitMillis + " ms");
        }
        try {
            var transactional = idleTransactional.poll();
            if (transactional == null) {
                transactional = newTransactionalProducer();
            }
            transactional.beginTransaction();
            return new Batch(transactional, true);
        } catch (KafkaException e) {
            transactionalSlots.release();
            throw new BrokerUnavailableException("cannot start a Kafka transaction: " + e.getMessage());
        }
    }

    /** The topics exist before the first record is sent: an auto-created one would have one partition. */
    private void ensureTopics() throws InterruptedException {
        try {
            topics.ensureCreated();
        } catch (ExecutionException e) {
            throw new BrokerUnavailableException("cannot create the topics: " + e.getCause().getMessage());
        }
    }

    private synchronized KafkaProducer<String, byte[]> newTransactionalProducer() {
        var config = new HashMap<>(producerConfig);
        config.put(ProducerConfig.CLIENT_ID_CONFIG, "ingestion-strict-" + transactionalCreated);
        config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalIdPrefix + transactionalCreated++);
        config.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, (int) Duration.ofMinutes(5).toMillis());
        KafkaProducer<String, byte[]> transactional = clients.producer(config);
        transactional.initTransactions();
        return transactional;
    }

    public String topic() {
        return topic;
    }

    /** The records of one upload on their way to Kafka. */
    public final class Batch implements AutoCloseable {

        private final KafkaProducer<String, byte[]> producer;
        private final boolean transactional;
        private boolean broken;

        private Batch(KafkaProducer<String, byte[]> producer, boolean transactional) {
            this.producer = producer;
            this.transactional = transactional;
        }

        /**
         * Sends {@code event} once there is room in flight; {@code callback} hears the broker's answer.
         *
         * @throws BrokerUnavailableException when there is no room within the configured wait, or the
         *         producer cannot send (no metadata, full buffer): the broker is away or far behind
         */
        public void send(Event event, List<Header> headers, Callback callback) throws InterruptedException {
            if (!inFlight.tryAcquire(maxWaitMillis, TimeUnit.MILLISECONDS)) {
                throw new BrokerUnavailableException("Kafka has not acknowledged the last " + maxInFlight
                        + " records for " + maxWaitMillis + " ms");
            }
            var record = new ProducerRecord<>(topic, null, event.source(), EventCodec.encode(event), headers);
            try {
                producer.send(record, (metadata, exception) -> {
                    inFlight.release();
                    callback.onCompletion(metadata, exception);
                });
            } catch (KafkaException e) {
                inFlight.release();
                broken = true;
                throw new BrokerUnavailableException("Kafka refused the record: " + e.getMessage());
            }
        }

        /** Ends a transaction, making its records visible; a no-op for a plain batch. */
        public void commit() {
            if (transactional) {
                try {
                    producer.commitTransaction();
                } catch (KafkaException e) {
                    broken = true;
                    throw new BrokerUnavailableException("Kafka could not commit the upload's transaction: " + e.getMessage());
                }
            }
        }

        /** Drops a transaction's records; a plain batch's records are on their way and stay. */
        public void abort() {
            if (transactional) {
                try {
                    producer.abortTransaction();
                } catch (KafkaException e) {
                    broken = true;
                }
            }
        }

        @Override
        public void close() {
            if (!transactional) {
                return;
            }
            // A producer whose transaction failed may be fenced or in an error state: start afresh.
            if (broken) {
                producer.close(Duration.ofSeconds(5));
            } else {
                idleTransactional.add(producer);
            }
            transactionalSlots.release();
        }
    }

    /** Sends what is buffered and waits for it: in-flight uploads were answered or will be. */
    @PreDestroy
    void close() {
        producer.close(Duration.ofSeconds(10));
        idleTransactional.forEach(transactional -> transactional.close(Duration.ofSeconds(5)));
    }

    public static final class BrokerUnavailableException extends RuntimeException {
        public BrokerUnavailableException(String message) {
            super(message);
        }
    }
}
