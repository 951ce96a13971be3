package dev.sandbox.orders.testing;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.awaitility.Awaitility;

import dev.sandbox.infra.Component;
import dev.sandbox.infra.testing.CommittedRecords;
import dev.sandbox.infra.testing.ServiceUnderTest;
import dev.sandbox.infra.testing.TestInfrastructure;

/**
 * The order service as the sandbox runs it, two processes, on servers of the test run: the API and
 * the payment processor, with one design, and topics, groups, keys and a database of their own.
 */
public final class Pipeline implements AutoCloseable {

    private final TestInfrastructure infra;
    private final Design design;
    private final ServiceUnderTest api;
    private final ServiceUnderTest processor;

    public Pipeline(Design design) {
        this.infra = TestInfrastructure.with(Component.POSTGRES, Component.KAFKA, Component.REDIS);
        this.design = design;
        var settings = new HashMap<>(design.environment());
        settings.put("ORDERS_TOPICS_ORDERS", infra.unique("orders.v1"));
        settings.put("ORDERS_TOPICS_PAYMENTS", infra.unique("payments.v1"));
        settings.put("ORDERS_PROCESSOR_GROUP_ID", infra.unique("order-processor"));
        settings.put("ORDERS_PAYMENT_RESULTS_GROUP_ID", infra.unique("order-service"));
        settings.put("ORDERS_IDEMPOTENCY_KEY_PREFIX", infra.unique("orders:idempotency") + ":");
        // Stable across restarts, as a replica's name is: a restarted processor fences its previous self.
        settings.put("ORDERS_INSTANCE_ID", "1");
        // A request whose process died frees its key sooner: clients retry through the crashes.
        settings.put("ORDERS_IDEMPOTENCY_LEASE", "10s");
        settings.put("ORDERS_IDEMPOTENCY_DUPLICATE_WAIT", "2s");
        this.api = new ServiceUnderTest(infra, "order-service", "order-service-" + infra.runId(), settings);
        this.processor = new ServiceUnderTest(infra, "order-processor", "order-processor-" + infra.runId(), settings);
    }

    public TestInfrastructure infra() {
        return infra;
    }

    public Design design() {
        return design;
    }

    public ServiceUnderTest api() {
        return api;
    }

    public ServiceUnderTest processor() {
        return processor;
    }

    public String ordersTopic() {
        return infra.unique("orders.v1");
    }

    public String paymentsTopic() {
        return infra.unique("payments.v1");
    }

    public long count(String sql, Object... parameters) {
        return Database.count(this::connect, sql, parameters);
    }

    private Connection connect() throws SQLException {
        return infra.endpoints().postgres().connect(infra.database());
    }

    /** Records of {@code orders.v1} the processors have not committed yet. */
    public long processorLag() {
        try (var admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, infra.endpoints().kafka().bootstrapServers()))) {
            var committed = admin.listConsumerGroupOffsets(infra.unique("order-processor")).partitionsToOffsetAndMetadata()
                    .get();
            var partitions = admin.describeTopics(List.of(ordersTopic())).allTopicNames().get().get(ordersTopic())
                    .partitions().stream().map(info -> new TopicPartition(ordersTopic(), info.partition())).toList();
            var request = new HashMap<TopicPartition, OffsetSpec>();
            partitions.forEach(partition -> request.put(partition, OffsetSpec.latest()));
            var ends = admin.listOffsets(request).all().get();
            long lag = 0;
            for (var partition : partitions) {
                var done = committed.get(partition);
                lag += ends.get(partition).offset() - (done == null ? 0 : done.offset());
            }
            return lag;
        } catch (Exception e) {
            return Long.MAX_VALUE; // not knowable now (the broker restarting): not quiet
        }
    }

    /** Waits until the processors have committed past every orders.v1 record of the order: it was processed. */
    public void awaitProcessed(String orderId) {
        Awaitility.await("processed " + orderId).atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500)).until(() -> {
            var records = CommittedRecords.of(bootstrapServers(), ordersTopic()).stream()
                    .filter(record -> record.key().equals(orderId)).toList();
            if (records.isEmpty()) {
                return false;
            }
            try (var admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()))) {
                var committed = admin.listConsumerGroupOffsets(infra.unique("order-processor")).partitionsToOffsetAndMetadata().get();
                return records.stream().allMatch(record -> {
                    var offset = committed.get(new TopicPartition(record.topic(), record.partition()));
                    return offset != null && offset.offset() > record.offset();
                });
            }
        });
    }

    public long ordersV1Records(String orderId) {
        return CommittedRecords.of(bootstrapServers(), ordersTopic()).stream().filter(record -> record.key().equals(orderId)).count();
    }

    public long paymentResults(String orderId) {
        return CommittedRecords.of(bootstrapServers(), paymentsTopic()).stream().filter(record -> record.key().equals(orderId)).count();
    }

    public long charges(String orderId) {
        return count("SELECT count(*) FROM payment_ledger WHERE order_id = ?::uuid", orderId);
    }

    public String status(String orderId) {
        return Database.value(this::connect, "SELECT status FROM orders WHERE id = ?::uuid", orderId);
    }

    /** The id of the customer's order (for a request whose response never came). */
    public String orderOf(String customerId) {
        return Database.value(this::connect, "SELECT id FROM orders WHERE customer_id = ?", customerId);
    }

    /** The ids of the orders paid or rejected. */
    public List<String> settledOrders() {
        try (var connection = connect(); var query = connection.prepareStatement("SELECT id FROM orders WHERE status <> 'PENDING'");
             var rows = query.executeQuery()) {
            var ids = new ArrayList<String>();
            while (rows.next()) {
                ids.add(rows.getString(1));
            }
            return ids;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    public void awaitStatus(String orderId, String status) {
        Awaitility.await(orderId + " " + status).atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(250))
                .until(() -> status.equals(status(orderId)));
    }

    public Reconciliation reconcile() {
        return Reconciliation.of(this);
    }

    public String bootstrapServers() {
        return infra.endpoints().kafka().bootstrapServers();
    }

    @Override
    public void close() {
        api.kill();
        processor.kill();
    }

}
