package dev.sandbox.orders.order;

import java.sql.SQLException;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.sandbox.common.chaos.CrashPoints;
import dev.sandbox.common.config.KebabCase;
import dev.sandbox.common.kafka.MessagingSpans;
import dev.sandbox.orders.OrdersConfig;
import dev.sandbox.orders.chaos.CrashConfig;
import dev.sandbox.orders.events.EventJson;
import dev.sandbox.orders.events.OrderPlaced;
import dev.sandbox.orders.idempotency.IdempotentRequests;
import dev.sandbox.orders.kafka.EventPublisher;
import dev.sandbox.orders.kafka.TopicsConfig;
import dev.sandbox.orders.outbox.Outbox;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.context.Context;
import io.quarkus.narayana.jta.QuarkusTransaction;

/**
 * Places an order and announces it on {@code orders.v1}, in one of two designs:
 * <ul>
 * <li>{@code publish=outbox}: the order, its items and an outbox row commit in one transaction; the
 * relay publishes the row later. Either both exist or neither: a crash loses nothing.</li>
 * <li>{@code publish=dual-write}: commit the order, then publish. A crash (or a broker that does not
 * answer) between the two leaves an order that Kafka never hears of: it stays PENDING forever.</li>
 * </ul>
 */
@ApplicationScoped
public class OrderPlacement {

    private static final Logger LOG = Logger.getLogger(OrderPlacement.class);

    /** The order, and whether it existed already (placed by an earlier request with the same key). */
    public record Placement(Order order, boolean existed) {
    }

    private final Orders orders;
    private final Outbox outbox;
    private final EventPublisher publisher;
    private final TopicsConfig topics;
    private final EventJson json;
    private final MessagingSpans tracing;
    private final CrashPoints crashPoints;
    private final CrashConfig crash;
    private final OrdersConfig config;
    private final MeterRegistry registry;

    OrderPlacement(Orders orders, Outbox outbox, EventPublisher publisher, EventJson json,
            MessagingSpans tracing, CrashPoints crashPoints, OrdersConfig config, MeterRegistry registry) {
        this.orders = orders;
        this.outbox = outbox;
        this.publisher = publisher;
        this.topics = config.topics();
        this.json = json;
        this.tracing = tracing;
        this.crashPoints = crashPoints;
        this.crash = config.crash();
        this.config = config;
        this.registry = registry;
    }

    public Placement place(PlaceOrder order, IdempotentRequests.Request request) {
        var outboxDesign = config.publish() == OrdersConfig.Publish.OUTBOX;
        var placement = QuarkusTransaction.requiringNew().call(() -> {
            var inserted = orders.insert(UUID.randomUUID(), order, request.key(), request.fingerprint());
            if (inserted.isEmpty()) {
                return existing(request);
            }
            if (outboxDesign) {
                outbox.append(inserted.get().id(), topics.orders(), json.write(event(inserted.get())), tracing.currentTraceparent());
            }
            return new Placement(inserted.get(), false);
        });
        if (placement.existed()) {
            return placement;
        }
        registry.counter("orders.placed", "publish", KebabCase.of(config.publish())).increment();
        crashPoints.reach("after-db-commit-before-publish", crash.afterDbCommitBeforePublish());
        if (!outboxDesign) {
            publishDirectly(placement.order());
        }
        return placement;
    }

    /** An earlier request with this key placed the order: the same body replays it, another one is refused. */
    private Placement existing(IdempotentRequests.Request request) throws SQLException {
        var placed = orders.findByIdempotencyKey(request.key()).orElseThrow();
        if (!placed.requestHash().equals(request.fingerprint())) {
            throw IdempotentRequests.keyReused();
        }
        return new Placement(placed.order(), true);
    }

    /** The dual write's second write. Its failure cannot undo the first: the order is committed. */
    private void publishDirectly(Order order) {
        try {
            publisher.publish(topics.orders(), order.id().toString(), json.write(event(order)), Context.current()).get();
        } catch (Exception e) {
            LOG.errorf("order %s is committed but its event was not published (%s): it will never be paid."
                    + " This is the dual-write problem; publish=outbox does not have it.", order.id(), e);
        }
    }

    private static OrderPlaced event(Order order) {
        return new OrderPlaced(order.id(), order.customerId(), order.currency(), order.total(), order.createdAt());
    }
}
