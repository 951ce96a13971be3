package dev.sandbox.ingestion;

import java.time.Duration;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Every knob of the service, under {@code ingestion.*} (as environment variables:
 * {@code INGESTION_ACK=on-receive}, {@code INGESTION_PRODUCER_LINGER=20ms}...).
 */
@ConfigMapping(prefix = "ingestion")
public interface IngestionConfig {

    /** What this process does: {@code all}, {@code api} (uploads only) or {@code sink} (database writer only). */
    @WithDefault("all")
    Role role();

    /**
     * When an upload is answered: {@code after-broker}, once Kafka has every record ({@code acks=all});
     * or {@code on-receive}, as soon as the body is read: the naive design, which loses what it
     * acknowledged when the broker is down longer than the producer retries, or the process dies.
     */
    @WithDefault("after-broker")
    AckMode ack();

    Topics topics();

    Producer producer();

    Intake intake();

    Sink sink();

    enum AckMode { AFTER_BROKER, ON_RECEIVE }

    interface Topics {
        /** Where accepted events go. */
        @WithDefault("events.v1")
        String events();

        /** Where the sink puts records it cannot store. */
        @WithDefault("events.dlq.v1")
        String deadLetters();

        /** Partitions of the events topic: the sink's parallelism (per-source order holds within one). */
        @WithDefault("6")
        int partitions();
    }

    interface Producer {
        /** How long a record waits for others to fill its batch. */
        @WithDefault("5ms")
        Duration linger();

        @WithDefault("131072")
        int batchSize();

        /** zstd: the broker distribution this sandbox runs ships no lz4 codec. */
        @WithDefault("zstd")
        String compression();

        /** How long the producer retries a record (across a broker restart, say) before giving up on it. */
        @WithDefault("30s")
        Duration deliveryTimeout();

        /** How long a send may block on metadata or a full buffer before it fails. */
        @WithDefault("5s")
        Duration maxBlock();
    }

    interface Intake {
        /**
         * Records handed to Kafka and not yet acknowledged, across all uploads: the bound on memory.
         * Each one keeps a few objects alive across young collections; with 20,000 of them the old
         * generation filled with such survivors and RSS grew by 100 MB per streamed gigabyte until
         * the heap cap, with 5,000 it stays flat (measured with ./sandbox bench ingestion).
         */
        @WithDefault("5000")
        int maxInFlight();

        /** How long an upload waits for room among the in-flight records before it answers 503. */
        @WithDefault("10s")
        Duration maxWaitForBroker();

        /** Uploads read at the same time; the next one is answered 429. */
        @WithDefault("16")
        int maxConcurrentUploads();

        /**
         * The largest body read; past it, a 413: up front from Content-Length, or as soon as a
         * chunked body crosses it. Memory does not grow with it: bodies are streamed.
         */
        @WithDefault("4G")
        MemorySize maxBodySize();

        /** The largest record (line, row or array element); a longer one is rejected, never held. */
        @WithDefault("1M")
        MemorySize maxRecordSize();

        /** Errors listed in one answer; the count of rejected records is always complete. */
        @WithDefault("100")
        int maxErrorsListed();

        /** Below this average rate, after the first 10 seconds, an upload is cut off with a 408. */
        @WithDefault("1K")
        MemorySize minBytesPerSecond();
    }

    interface Sink {
        @WithDefault("ingestion-sink")
        String groupId();

        /** Records in one database transaction, at most. */
        @WithDefault("1000")
        int maxBatch();

        /** Tries of a record the database refuses, before it goes to the dead-letter topic. */
        @WithDefault("3")
        int maxAttempts();

        /** The wait before the first retry; it doubles on each one. */
        @WithDefault("100ms")
        Duration retryBackoff();

        /**
         * A crash point, for tests and demonstrations: after this many batches are committed to the
         * database the process halts, as kill -9 would, before it commits their offsets to Kafka.
         * 0 (the default) never halts.
         */
        @WithDefault("0")
        int haltAfterBatches();
    }
}
