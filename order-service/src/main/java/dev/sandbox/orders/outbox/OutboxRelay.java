package dev.sandbox.orders.outbox;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.StartupEvent;

import dev.sandbox.common.kafka.MessagingSpans;
import dev.sandbox.common.work.BackgroundLoop;
import dev.sandbox.common.work.BackgroundLoops;
import dev.sandbox.orders.OrdersConfig;
import dev.sandbox.orders.kafka.EventPublisher;

/**
 * Publishes the outbox to Kafka. In one database transaction: lock a batch of rows, send them,
 * wait until the broker has every one, delete them. A crash before the commit leaves the rows (and
 * their locks go with the connection): the next relay sends them again. So the relay is
 * at-least-once, and the processor tolerates an order published twice.
 */
@ApplicationScoped
public class OutboxRelay implements BackgroundLoop.Worker {

    private static final Duration BACKLOG_EVERY = Duration.ofSeconds(1);

    private final Outbox outbox;
    private final EventPublisher publisher;
    private final MessagingSpans tracing;
    private final RelayConfig config;
    private final OrdersConfig orders;
    private final AtomicLong pendingRows = new AtomicLong();
    private final AtomicLong lagMillis = new AtomicLong();
    private long backlogCheckedAt;

    OutboxRelay(Outbox outbox, EventPublisher publisher, MessagingSpans tracing, OrdersConfig orders,
            MeterRegistry registry) {
        this.outbox = outbox;
        this.publisher = publisher;
        this.tracing = tracing;
        this.config = orders.relay();
        this.orders = orders;
        Gauge.builder("orders.outbox.pending", pendingRows, AtomicLong::get)
                .description("Outbox rows not yet acknowledged by Kafka").register(registry);
        Gauge.builder("orders.outbox.lag.seconds", lagMillis, millis -> millis.get() / 1000.0)
                .description("Age of the oldest unpublished outbox row: how far the relay is behind").register(registry);
    }

    void start(@Observes StartupEvent event, BackgroundLoops loops) {
        if (orders.runs(OrdersConfig.Role.API) && orders.publish() == OrdersConfig.Publish.OUTBOX) {
            loops.start("outbox-relay", this);
        }
    }


    @Override
    public void step() throws Exception {
        var published = publishBatch();
        measureBacklog();
        if (published == 0) {
            Thread.sleep(config.idlePause());
        }
    }

    /** Publishes one batch; returns how many rows it published. */
    int publishBatch() {
        return QuarkusTransaction.requiringNew().call(() -> {
            var batch = outbox.lockNext(config.batchSize());
            var acknowledgements = new ArrayList<CompletableFuture<?>>();
            for (var entry : batch) {
                acknowledgements.add(publisher.publish(entry.topic(), entry.aggregateId().toString(), entry.payload(),
                        tracing.fromTraceparent(entry.traceparent())));
            }
            // All or nothing: one failed send rolls the whole batch back, to be sent again.
            CompletableFuture.allOf(acknowledgements.toArray(CompletableFuture[]::new)).get();
            if (!batch.isEmpty()) {
                outbox.delete(batch);
            }
            return batch.size();
        });
    }

    private void measureBacklog() throws SQLException {
        var now = System.nanoTime();
        if (now - backlogCheckedAt < BACKLOG_EVERY.toNanos()) {
            return;
        }
        backlogCheckedAt = now;
        var backlog = outbox.backlog();
        pendingRows.set(backlog.rows());
        lagMillis.set(backlog.oldest().toMillis());
    }

    @Override
    public void close() {
        // The producer is shared (EventPublisher) and the connections are pooled: nothing of its own to close.
    }
}
