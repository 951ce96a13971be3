package dev.sandbox.orders;

import static dev.sandbox.orders.testing.OrderRequests.body;
import static dev.sandbox.orders.testing.OrderRequests.newKey;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import dev.sandbox.infra.Component;
import dev.sandbox.infra.testing.CommittedRecords;
import dev.sandbox.infra.testing.TestInfrastructure;
import dev.sandbox.infra.testing.WithInfrastructure;
import dev.sandbox.orders.testing.Database;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/** The pipeline in one process (both roles): order, outbox, orders.v1, processor, payments.v1, status. */
@QuarkusTest
@WithInfrastructure({Component.POSTGRES, Component.KAFKA, Component.REDIS})
class PaymentPipelineTest {

    private static final Duration SETTLED_WITHIN = Duration.ofSeconds(90);

    @Inject
    DataSource db;

    @Inject
    InMemorySpanExporter spans;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    @ConfigProperty(name = "orders.topics.orders")
    String ordersTopic;

    @ConfigProperty(name = "orders.topics.payments")
    String paymentsTopic;

    @ConfigProperty(name = "orders.processor.group-id")
    String processorGroup;

    @Test
    void anOrderIsChargedOnceAndItsResultPublishedOnce() {
        var id = place(body("paid", 2, "12.50"));

        awaitStatus(id, "PAID");
        given().get("/orders/" + id).then().body("charges", equalTo(1));
        assertThat(ledgerEntries(id)).isEqualTo(1);
        assertThat(paymentResults(id)).isEqualTo(1);
        Awaitility.await().atMost(SETTLED_WITHIN).until(() -> Database.count(db::getConnection, "SELECT count(*) FROM outbox") == 0);
    }

    @Test
    void anOrderAboveTheLimitIsRejectedOnce() {
        var id = place(body("big-spender", 3, "2000.00"));

        awaitStatus(id, "REJECTED");
        given().get("/orders/" + id).then().body("charges", equalTo(1));
        assertThat(paymentResults(id)).isEqualTo(1);
    }

    @Test
    void anOrderPublishedTwiceIsChargedOnceAndAnsweredOnce() throws Exception {
        var id = place(body("published-twice", 1, "4.00"));
        awaitStatus(id, "PAID");

        // What a relay that crashed after sending, before deleting its rows, does: publish it again.
        var original = CommittedRecords.of(bootstrapServers, ordersTopic).stream()
                .filter(record -> record.key().equals(id)).findFirst().orElseThrow();
        try (var producer = new KafkaProducer<String, String>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class))) {
            var duplicate = producer.send(new ProducerRecord<>(ordersTopic, original.key(), original.value())).get();
            awaitProcessorPast(new TopicPartition(ordersTopic, duplicate.partition()), duplicate.offset());
        }

        assertThat(ledgerEntries(id)).isEqualTo(1);
        assertThat(paymentResults(id)).isEqualTo(1);
    }

    @Test
    void ordersAreTakenWhileKafkaIsDownAndPaidWhenItIsBack() {
        var key = newKey();
        var placed = new String[1];
        TestInfrastructure.current().outage(Component.KAFKA,
                () -> placed[0] = given().contentType(ContentType.JSON).header("Idempotency-Key", key).body(body("kafka-down", 1, "9.00"))
                        .post("/orders").then().statusCode(201).extract().path("id"),
                () -> awaitStatus(placed[0], "PAID"));

        assertThat(ledgerEntries(placed[0])).isEqualTo(1);
        assertThat(paymentResults(placed[0])).isEqualTo(1);
    }

    @Test
    void oneTraceFromTheRequestToTheStatusUpdate() {
        var traceId = UUID.randomUUID().toString().replace("-", "");
        var id = given().contentType(ContentType.JSON).header("Idempotency-Key", newKey())
                .header("traceparent", "00-" + traceId + "-" + traceId.substring(0, 16) + "-01")
                .body(body("traced", 1, "1.00")).post("/orders").then().statusCode(201).extract().<String>path("id");
        awaitStatus(id, "PAID");

        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(spans.getFinishedSpanItems().stream()
                .filter(span -> span.getTraceId().equals(traceId)).map(SpanData::getName))
                .contains("POST /orders", ordersTopic + " publish", ordersTopic + " process", paymentsTopic + " publish",
                        paymentsTopic + " process"));
    }

    private String place(String body) {
        return given().contentType(ContentType.JSON).header("Idempotency-Key", newKey()).body(body)
                .post("/orders").then().statusCode(201).extract().path("id");
    }

    private void awaitStatus(String id, String status) {
        Awaitility.await(id + " " + status).atMost(SETTLED_WITHIN).pollInterval(Duration.ofMillis(250))
                .untilAsserted(() -> given().get("/orders/" + id).then().body("status", equalTo(status)));
    }

    private long ledgerEntries(String id) {
        return Database.count(db::getConnection, "SELECT count(*) FROM payment_ledger WHERE order_id = ?::uuid", id);
    }

    private long paymentResults(String id) {
        return CommittedRecords.of(bootstrapServers, paymentsTopic).stream().filter(record -> record.key().equals(id)).count();
    }

    /** Waits until the processors' committed offset is past {@code offset}: the record was processed. */
    private void awaitProcessorPast(TopicPartition partition, long offset) {
        try (var admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            Awaitility.await().atMost(SETTLED_WITHIN).until(() -> {
                var committed = admin.listConsumerGroupOffsets(processorGroup).partitionsToOffsetAndMetadata().get().get(partition);
                return committed != null && committed.offset() > offset;
            });
        }
    }
}
