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

import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.jboss.logging.Logger;

import io.quarkus.runtime.StartupEvent;

import dev.sandbox.common.chaos.CrashPoints;
import dev.sandbox.common.kafka.KafkaClients;
import dev.sandbox.common.kafka.KafkaTopics;
import dev.sandbox.common.kafka.MessagingSpans;
import dev.sandbox.common.work.BackgroundLoop;
import dev.sandbox.common.work.BackgroundLoops;
import dev.sandbox.common.work.Backoff;
import dev.sandbox.ingestion.IngestionConfig;
import dev.sandbox.ingestion.event.EventCodec;

/**
 * The sink: reads the events topic and writes it to PostgreSQL, a polled batch per transaction,
 * committing the batch's offsets to Kafka only after the database committed. A crash between the
 * two redelivers the batch, and the store's dedupe makes that harmless: at-least-once delivery into
 * an idempotent write. A record that is not an event, or that the database refuses
 * {@code max-attempts} times, goes to the dead-letter topic; a database that is down is waited for,
 * and nothing moves past it.
 *
 * <p>The plain Kafka consumer, as a worker of common's {@link BackgroundLoop} (its own thread, a
 * growing pause after a failed step, a clean stop), rather than a SmallRye {@code @Incoming}
 * method: the loop is the lesson here (poll, write, commit; on shutdown stop polling, finish the
 * batch, commit, close), and the client states it in a few lines. An unexpected error closes the
 * consumer and the next step starts over from the committed offsets.
 */
@ApplicationScoped
public class SinkConsumer implements BackgroundLoop.Worker {

    private static final Logger LOG = Logger.getLogger(SinkConsumer.class);
    private static final Duration POLL = Duration.ofMillis(500);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);

    private final IngestionConfig config;
    private final KafkaClients clients;
    private final KafkaTopics topics;
    private final EventStore store;
    private final DeadLetterQueue deadLetters;
    private final MessagingSpans tracing;
    private final SinkMetrics metrics;
    private final CrashPoints crashPoints;
    private final Backoff backoff;
    private volatile BackgroundLoop loop;
    private KafkaConsumer<String, byte[]> consumer;
    private int batchesWritten;

    SinkConsumer(IngestionConfig config, KafkaClients clients, KafkaTopics topics, EventStore store,
            DeadLetterQueue deadLetters, MessagingSpans tracing, SinkMetrics metrics, CrashPoints crashPoints) {
        this.crashPoints = crashPoints;
        this.config = config;
        this.clients = clients;
        this.topics = topics;
        this.store = store;
        this.deadLetters = deadLetters;
        this.tracing = tracing;
        this.metrics = metrics;
        // The first retry waits retry-backoff, each next one twice as long, up to 5 s.
        this.backoff = new Backoff(config.sink().retryBackoff(), MAX_BACKOFF);
    }

    void start(@Observes StartupEvent startup, BackgroundLoops loops) {
        if (config.role().runsSink()) {
            loop = loops.start("ingestion-sink", this);
        }
    }

    /** Null while the sink runs (or is not meant to); what failed its last step otherwise (it starts over). */
    public Throwable failure() {
        return loop == null ? null : loop.lastFailure();
    }

    /**
     * One polled batch: write it, then commit its offsets. Stopping (common's {@link BackgroundLoops},
     * at shutdown) lets it finish: the batch in hand is committed, then the consumer closes.
     */
    @Override
    public void step() throws Exception {
        if (consumer == null) {
            topics.ensureCreated();
            consumer = clients.consumer(consumerConfig());
            consumer.subscribe(List.of(config.topics().events()));
        }
        var records = consumer.poll(POLL);
        metrics.lag(lag(consumer));
        if (records.isEmpty()) {
            return;
        }
        var started = System.nanoTime();
        var written = process(records);
        if (written == null) {
            return; // stopping while the database is away: the batch is redelivered later
        }
        if (++batchesWritten == config.sink().haltAfterBatches()) {
            LOG.warnf("crash point: halting after batch %d, before committing its offsets", batchesWritten);
            crashPoints.halt("after-db-commit-before-offset-commit");
        }
        commit(consumer, records);
        metrics.committed(records, written, started);
    }

    /** Closes the consumer: after a failed step (the next one starts from the committed offsets), or at stop. */
    @Override
    public void close() {
        if (consumer != null) {
            consumer.close();
            consumer = null;
            LOG.info("sink consumer closed");
        }
    }

    private Map<String, Object> consumerConfig() {
        // read_committed (common's default): strict uploads are Kafka transactions, and what they abort is never read.
        var consumer = clients.consumerConfig(config.sink().groupId(), "ingestion-sink", ByteArrayDeserializer.class);
        consumer.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, config.sink().maxBatch());
        return consumer;
    }

    /** Writes one polled batch; null if the sink is stopping before it could. */
    private EventStore.Written process(ConsumerRecords<String, byte[]> records) {
        var span = tracing.processBatch(config.topics().events(), records, records.count());
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
            for (var attempt = 1; written == null; attempt++) {
                try {
                    written = retryingOutages(() -> store.write(List.of(record)));
                } catch (EventStore.RefusedException e) {
                    if (attempt >= config.sink().maxAttempts()) {
                        var letter = record.asDeadLetter("refused by the database " + attempt + " times: " + e.getMessage());
                        sendDeadLetters(List.of(letter));
                        written = writeDeadLetter(letter);
                    } else {
                        pause(backoff.ceiling(attempt));
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
        for (var attempt = 1; ; attempt++) {
            try {
                deadLetters.send(letters);
                return;
            } catch (ExecutionException | KafkaException e) {
                LOG.warnf("cannot reach the dead-letter topic (%s); retrying in %d ms", e.getMessage(), backoff.ceiling(attempt).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new Stopping();
            }
            pause(backoff.ceiling(attempt));
        }
    }

    private interface Write {
        EventStore.Written run() throws SQLException, EventStore.RefusedException;
    }

    /** Runs {@code write} until the database answers: an outage is waited out, never dead-lettered. */
    private EventStore.Written retryingOutages(Write write) throws EventStore.RefusedException, Stopping {
        for (var attempt = 1; ; attempt++) {
            try {
                return write.run();
            } catch (SQLException e) {
                LOG.warnf("database unavailable (%s); retrying in %d ms", e.getMessage(), backoff.ceiling(attempt).toMillis());
            }
            pause(backoff.ceiling(attempt));
        }
    }

    private static void pause(Duration duration) throws Stopping {
        if (!BackgroundLoop.pauseUnlessStopping(duration)) {
            throw new Stopping();
        }
    }

    private static void commit(KafkaConsumer<String, byte[]> consumer, ConsumerRecords<String, byte[]> records) {
        var offsets = new HashMap<TopicPartition, OffsetAndMetadata>();
        for (var partition : records.partitions()) {
            var last = records.records(partition).getLast();
            offsets.put(partition, new OffsetAndMetadata(last.offset() + 1));
        }
        try {
            consumer.commitSync(offsets);
        } catch (RebalanceInProgressException | CommitFailedException e) {
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
