package dev.sandbox.ingestion.sink;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.ConsumerRecords;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * What the sink exports at {@code /q/metrics}, besides the Kafka consumer's own metrics
 * ({@code kafka_consumer_fetch_manager_records_lag} per partition, among others):
 * {@code ingestion_sink_lag_records} (records not yet read, over the assigned partitions),
 * batch sizes, batch processing time, the end-to-end latency of each event (from the producer's
 * timestamp to the offset commit), and what became of each record.
 */
@ApplicationScoped
public class SinkMetrics {

    private final MeterRegistry registry;
    private final AtomicLong lag = new AtomicLong();
    private final DistributionSummary batchSize;
    private final Timer batchDuration;
    private final Timer eventLatency;
    private final Counter stored;
    private final Counter duplicates;
    private final Counter redelivered;
    private final Counter deadLettered;

    SinkMetrics(MeterRegistry registry) {
        this.registry = registry;
        registry.gauge("ingestion.sink.lag.records", lag);
        this.batchSize = DistributionSummary.builder("ingestion.sink.batch.size").baseUnit("records")
                .publishPercentiles(0.5, 0.99).register(registry);
        this.batchDuration = Timer.builder("ingestion.sink.batch.duration").description("poll to offset commit, per batch")
                .publishPercentiles(0.5, 0.99).register(registry);
        this.eventLatency = Timer.builder("ingestion.sink.event.latency").description("producer timestamp to offset commit, per event")
                .publishPercentiles(0.5, 0.99).register(registry);
        this.stored = outcome("stored");
        this.duplicates = outcome("duplicate");
        this.redelivered = outcome("redelivered");
        this.deadLettered = outcome("dead-lettered");
    }

    private Counter outcome(String outcome) {
        return registry.counter("ingestion.sink.records", "outcome", outcome);
    }

    void lag(long records) {
        lag.set(records);
    }

    void committed(ConsumerRecords<String, byte[]> records, EventStore.Written written, long startedNanos) {
        var now = System.currentTimeMillis();
        batchSize.record(records.count());
        batchDuration.record(System.nanoTime() - startedNanos, TimeUnit.NANOSECONDS);
        for (var record : records) {
            eventLatency.record(Duration.ofMillis(Math.max(0, now - record.timestamp())));
        }
        stored.increment(written.stored());
        duplicates.increment(written.duplicates());
        redelivered.increment(written.redelivered());
        deadLettered.increment(written.deadLettered());
    }
}
