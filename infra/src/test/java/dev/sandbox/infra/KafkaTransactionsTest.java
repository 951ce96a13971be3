package dev.sandbox.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import dev.sandbox.infra.testing.TestInfrastructure;

/**
 * The broker is a real one with transactions: a read_committed consumer sees committed records and
 * never aborted ones, and a broker killed with SIGKILL comes back with every committed record.
 */
class KafkaTransactionsTest {

    private final TestInfrastructure infra = TestInfrastructure.with(Component.KAFKA);

    @Test
    void readCommittedSeesCommittedRecordsOnly() throws Exception {
        var topic = createTopic("tx");
        try (var producer = transactionalProducer("tx-producer-" + infra.runId())) {
            producer.initTransactions();

            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, "k", "committed-1"));
            producer.send(new ProducerRecord<>(topic, "k", "committed-2"));
            producer.commitTransaction();

            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, "k", "aborted"));
            producer.flush(); // the aborted record is in the log: only the isolation level hides it
            producer.abortTransaction();

            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, "k", "committed-3"));
            producer.commitTransaction();
        }

        assertThat(consumeAll(topic, "read_committed", 3)).containsExactly("committed-1", "committed-2", "committed-3");
        assertThat(consumeAll(topic, "read_uncommitted", 4)).contains("aborted");
    }

    @Test
    void brokerKilledWithSigkillKeepsEveryCommittedRecord() throws Exception {
        var topic = createTopic("kill");
        var sent = new ArrayList<String>();
        try (var producer = transactionalProducer("kill-producer-" + infra.runId())) {
            producer.initTransactions();
            for (int batch = 0; batch < 20; batch++) {
                producer.beginTransaction();
                for (int i = 0; i < 50; i++) {
                    var value = batch + "-" + i;
                    producer.send(new ProducerRecord<>(topic, String.valueOf(i % 7), value));
                    sent.add(value);
                }
                producer.commitTransaction();
            }
        }

        infra.kill(Component.KAFKA);
        assertThat(infra.infrastructure().isReady(Component.KAFKA)).isFalse();
        infra.restart(Component.KAFKA);

        var received = consumeAll(topic, "read_committed", sent.size());
        assertThat(received).hasSize(sent.size()).containsExactlyInAnyOrderElementsOf(sent);
    }

    private String createTopic(String name) throws Exception {
        var topic = infra.unique(name);
        try (var admin = Admin.create(Map.of("bootstrap.servers", infra.endpoints().kafka().bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(topic, 3, (short) 1))).all().get();
        }
        return topic;
    }

    private KafkaProducer<String, String> transactionalProducer(String transactionalId) {
        var props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, infra.endpoints().kafka().bootstrapServers());
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        return new KafkaProducer<>(props, new StringSerializer(), new StringSerializer());
    }

    /** Reads the whole topic from the start until {@code expected} records arrived (or 30 s passed). */
    private List<String> consumeAll(String topic, String isolation, int expected) {
        var props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, infra.endpoints().kafka().bootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, infra.unique("reader-" + isolation));
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
        var values = new ArrayList<String>();
        try (var consumer = new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(Set.of(topic));
            var deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (values.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(record -> values.add(record.value()));
            }
            // One more poll: anything beyond what was expected would show here.
            consumer.poll(Duration.ofMillis(500)).forEach(record -> values.add(record.value()));
        }
        return values;
    }
}
