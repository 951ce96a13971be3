package dev.sandbox.ingestion.sink;

import static dev.sandbox.ingestion.Uploads.awaitStored;
import static dev.sandbox.ingestion.Uploads.ndjson;
import static dev.sandbox.ingestion.Uploads.post;
import static dev.sandbox.ingestion.Uploads.summary;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.awaitility.Awaitility;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;

import dev.sandbox.infra.Component;
import dev.sandbox.infra.testing.TestInfrastructure;
import dev.sandbox.infra.testing.WithInfrastructure;

/**
 * What the sink does with what it cannot store: a record that is not an event, and one the
 * database refuses, go to the dead-letter topic (after retries for the second) and the records
 * around them are stored. A database outage is waited out: nothing is dead-lettered for it.
 */
@QuarkusTest
@WithInfrastructure({Component.KAFKA, Component.POSTGRES})
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SinkTest {

    @Inject
    AgroalDataSource dataSource;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    @ConfigProperty(name = "ingestion.topics.events")
    String eventsTopic;

    @ConfigProperty(name = "ingestion.topics.dead-letters")
    String deadLetterTopic;

    @Test
    @Order(1)
    void poisonRecordsGoToTheDeadLetterTopicAndTheOthersAreStored() throws Exception {
        // A rule the database enforces and the intake does not know: its records are poison.
        try (var connection = dataSource.getConnection(); var statement = connection.createStatement()) {
            statement.execute("ALTER TABLE events ADD CONSTRAINT no_forbidden_ids CHECK (id NOT LIKE 'forbidden%')");
        }
        // Bytes from some other producer that are not an event at all.
        try (var producer = new KafkaProducer<>(Map.<String, Object>of("bootstrap.servers", bootstrapServers),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(eventsTopic, "s0".getBytes(), "{not json".getBytes())).get();
        }
        post("application/x-ndjson", ndjson("ok", "poison", 5) + ndjson("forbidden", "poison", 1) + ndjson("fine", "poison", 5))
                .statusCode(202);

        awaitStored(10);
        Awaitility.await("two dead letters").atMost(Duration.ofSeconds(60)).until(() -> summary("deadLettered") == 2);

        var reasons = deadLetterReasons(2);
        assertThat(reasons).anySatisfy(reason -> assertThat(reason).startsWith("not an event: not JSON"));
        assertThat(reasons).anySatisfy(reason -> assertThat(reason).startsWith("refused by the database 3 times")
                .contains("no_forbidden_ids"));
    }

    @Test
    @Order(2)
    void aDatabaseOutageIsWaitedOutAndNothingIsDeadLettered() {
        var infra = TestInfrastructure.current();
        var stored = summary("stored");

        infra.kill(Component.POSTGRES);
        try {
            // Uploads need only Kafka: they go on, and the sink's lag grows.
            post("application/x-ndjson", ndjson("during-outage", "outage", 20)).statusCode(202);
            Awaitility.await().pollDelay(Duration.ofSeconds(3)).until(() -> true);
        } finally {
            infra.restart(Component.POSTGRES);
        }

        awaitStored(stored + 20);
        assertThat(summary("deadLettered")).isEqualTo(2);
    }

    private List<String> deadLetterReasons(int count) {
        var config = Map.<String, Object>of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG, "dlq-reader-" + deadLetterTopic, ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        var reasons = new ArrayList<String>();
        try (var consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(deadLetterTopic));
            Awaitility.await("dead letters").atMost(Duration.ofSeconds(30)).until(() -> {
                for (var record : consumer.poll(Duration.ofMillis(500))) {
                    reasons.add(new String(record.headers().lastHeader(DeadLetterQueue.REASON).value(), StandardCharsets.UTF_8));
                }
                return reasons.size() >= count;
            });
        }
        return reasons;
    }
}
