package dev.sandbox.ingestion.sink;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jboss.logging.Logger;

import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;

import dev.sandbox.ingestion.IngestionConfig;
import dev.sandbox.ingestion.event.EventCodec;
import dev.sandbox.ingestion.tracing.RecordTracing;

/**
 * The sink: reads the events topic and writes it to PostgreSQL, a polled batch per transaction,
 * committing the batch's offsets to Kafka only after the database committed. A crash between the
 * two redelivers the batch, and the store's dedupe makes that harmless: at-least-once delivery into
 * an idempotent write. A record that is not an event, or that the database refuses
 * {@code max-attempts} times, goes to the dead-letter topic; a database that is down is waited for,
 * and nothing moves past it.
 *
 * <p>The plain Kafka consumer, in a thread of its own, rather than a SmallRye {@code @Incoming}
 * method: the loop is the lesson here (poll, write, commit; on shutdown stop polling, finish the
 * batch, commit, close), and the client states it in a few lines.
 */
@ApplicationScoped
public class SinkConsumer {

    private static final Logger LOG = Logger.getLogger(SinkConsumer.class);
    private static final Duration POLL = Duration.ofMillis(500);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);

    private final IngestionConfig config;
    private final Map<String, Object> kafka;
    private final EventStore store;
    private final DeadLetterQueue deadLetters;
    private final RecordTracing tracing;
    private final SinkMetrics metrics;
    private volatile boolean running;
    private volatile Throwable failure;
    private Thread thread;
    private int batchesWritten;

    SinkConsumer(IngestionConfig config, @Identifier("default-kafka-broker") Map<String, Object> kafka, EventStore store,
            DeadLetterQueue deadLetters, RecordTracing tracing, SinkMetrics metrics) {
        this.config = config;
        this.kafka = kafka;
        this.store = store;
        this.deadLetters = deadLetters;
        this.tracing = tracing;
        this.metrics = metrics;
    }

    void start(@Observes StartupEvent startup) {
        if (!config.role().runsSink()) {
            return;
        }
        running = true;
        thread = Thread.ofPlatform().name("ingestion-sink").start(this::run);
    }

    /** Stop polling, finish the batch in hand, commit, close. */
    void stop(@Observes ShutdownEvent shutdown) throws InterruptedException {
        running = false;
        if (thread != null) {
            thread.join(Duration.ofSeconds(30));
        }
    }

    /** Null while the sink runs (or is not meant to); what stopped it otherwise. */
    public Throwable failure() {
        return failure;
    }

    private void run() {
        var topic = config.topics().events();
        try (var consumer = new KafkaConsumer<String, byte[]>(consumerConfig());
             var consumerMetrics = new KafkaClientMetrics(consumer)) {
            consumerMetrics.bindTo(metrics.registry());
            consumer.subscribe(List.of(topic));
            while (running) {
                var records = consumer.poll(POLL);
                metrics.lag(lag(consumer));
                if (records.isEmpty()) {
                    continue;
                }
                var started = System.nanoTime();
                var written = process(records);
                if (written == null) {
                    break; // stopping while the database is away: the batch is redelivered later
                }
                if (++batchesWritten == config.sink().haltAfterBatches()) {
                    LOG.warnf("crash point: halting after batch %d, before committing its offsets", batchesWritten);
                    Runtime.getRuntime().halt(137);
                }
                commit(consumer, records);
                metrics.committed(records, written, started);
            }
            LOG.info("sink stopped: last batch committed, consumer closing");
        } catch (Throwable e) {
            failure = e;
            LOG.error("sink stopped by an unexpected error", e);
        }
    }

    private Map<String, Object> consumerConfig() {
        var consumer = new HashMap<>(kafka);
        consumer.put(ConsumerConfig.GROUP_ID_CONFIG, config.sink().groupId());
        consumer.put(ConsumerConfig.CLIENT_ID_CONFIG, "ingestion-sink");
        consumer.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        consumer.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // Strict uploads are Kafka transactions: what they abort is never read.
        consumer.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        consumer.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, config.sink().maxBatch());
        consumer.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        consumer.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return consumer;
    }

    /** Writes one polled batch; null if the sink is stopping before it could. */
    private EventStore.Written process(ConsumerRecords<String, byte[]> records) {
        var span = tracing.startProcess(config.topics().events(), records, records.count());
        try (var scope = span.makeCurrent()) {
            var batch = new ArrayList<Incoming>(records.count());
            for (var record : records) {
                try {
                    batch.add(Incoming.event(record, EventCodec.decode(record.value())));
                } catch (EventCodec.InvalidEventException e) {
                    // Retrying cannot change the bytes: straight to the dead letters.
                    batch.add(Incoming.deadLetter(record, "not an event: " + e.getMessage()));
                }
            }
            return write(batch);
        } catch (Stopping e) {
            return null;
        } finally {
            span.end();
        }
    }

    private EventStore.Written write(List<Incoming> batch) throws Stopping {
        sendDeadLetters(batch.stream().filter(Incoming::isDeadLetter).toList());
        try {
            return retryingOutages(() -> store.write(batch));
        } catch (EventStore.RefusedException e) {
            LOG.warnf("the database refused a batch of %d (%s): writing its records one by one", batch.size(), e.getMessage());
            return writeOneByOne(batch);
        }
    }

    /**
     * In order, so the partitions' progress never passes a record that is not settled: each record
     * gets {@code max-attempts} tries, with a doubling backoff, then goes to the dead letters.
     */
    private EventStore.Written writeOneByOne(List<Incoming> batch) throws Stopping {
        int stored = 0;
        int duplicates = 0;
        int redelivered = 0;
        int deadLettered = 0;
        for (var record : batch) {
            var written = (EventStore.Written) null;
            var backoff = config.sink().retryBackoff();
            for (var attempt = 1; written == null; attempt++) {
                try {
                    written = retryingOutages(() -> store.write(List.of(record)));
                } catch (EventStore.RefusedException e) {
                    if (attempt >= config.sink().maxAttempts()) {
                        var letter = record.asDeadLetter("refused by the database " + attempt + " times: " + e.getMessage());
                        sendDeadLetters(List.of(letter));
                        written = writeDeadLetter(letter);
                    } else {
                        pause(backoff);
                        backoff = backoff.multipliedBy(2);
                    }
                }
            }
            stored += written.stored();
            duplicates += written.duplicates();
            redelivered += written.redelivered();
            deadLettered += written.deadLettered();
        }
        return new EventStore.Written(stored, duplicates, redelivered, deadLettered);
    }

    private EventStore.Written writeDeadLetter(Incoming letter) throws Stopping {
        try {
            return retryingOutages(() -> store.write(List.of(letter)));
        } catch (EventStore.RefusedException e) {
            throw new IllegalStateException("the database refused a dead letter", e);
        }
    }

    private void sendDeadLetters(List<Incoming> letters) throws Stopping {
        if (letters.isEmpty()) {
            return;
        }
        var backoff = config.sink().retryBackoff();
        while (true) {
            try {
                deadLetters.send(letters);
                return;
            } catch (ExecutionException | KafkaException e) {
                LOG.warnf("cannot reach the dead-letter topic (%s); retrying in %d ms", e.getMessage(), backoff.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new Stopping();
            }
            pause(backoff);
            backoff = min(backoff.multipliedBy(2), MAX_BACKOFF);
        }
    }

    private interface Write {
        EventStore.Written run() throws SQLException, EventStore.RefusedException;
    }

    /** Runs {@code write} until the database answers: an outage is waited out, never dead-lettered. */
    private EventStore.Written retryingOutages(Write write) throws EventStore.RefusedException, Stopping {
        var backoff = config.sink().retryBackoff();
        while (true) {
            try {
                return write.run();
            } catch (SQLException e) {
                LOG.warnf("database unavailable (%s); retrying in %d ms", e.getMessage(), backoff.toMillis());
            }
            pause(backoff);
            backoff = min(backoff.multipliedBy(2), MAX_BACKOFF);
        }
    }

    private void pause(Duration duration) throws Stopping {
        if (!running) {
            throw new Stopping();
        }
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Stopping();
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static void commit(KafkaConsumer<String, byte[]> consumer, ConsumerRecords<String, byte[]> records) {
        var offsets = new HashMap<TopicPartition, OffsetAndMetadata>();
        for (var partition : records.partitions()) {
            var last = records.records(partition).getLast();
            offsets.put(partition, new OffsetAndMetadata(last.offset() + 1));
        }
        try {
            consumer.commitSync(offsets);
        } catch (RebalanceInProgressException | org.apache.kafka.clients.consumer.CommitFailedException e) {
            // The partitions moved on meanwhile: their new owner reads this batch again, and the
            // database already has it (below the partitions' progress, so not counted twice).
            LOG.warnf("offsets not committed (%s); the batch will be redelivered and skipped", e.getMessage());
        }
    }

    private static long lag(KafkaConsumer<String, byte[]> consumer) {
        var total = 0L;
        for (var partition : consumer.assignment()) {
            total += consumer.currentLag(partition).orElse(0);
        }
        return total;
    }

    /** The sink is stopping before a write could be done: nothing is committed. */
    private static final class Stopping extends Exception {
        Stopping() {
            super(null, null, false, false);
        }
    }
}
