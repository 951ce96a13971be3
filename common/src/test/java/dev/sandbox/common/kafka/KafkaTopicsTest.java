package dev.sandbox.common.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;
import org.junit.jupiter.api.Test;

import dev.sandbox.infra.Component;
import dev.sandbox.infra.testing.TestInfrastructure;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * Topics are made with the cluster's durability settings, and a cluster that cannot honour them
 * refuses the topic rather than holding it with fewer copies (against the sandbox's one broker).
 */
class KafkaTopicsTest {

    private final TestInfrastructure infra = TestInfrastructure.with(Component.KAFKA);
    private final KafkaClients clients = new KafkaClients(
            Map.of("bootstrap.servers", infra.endpoints().kafka().bootstrapServers()), new SimpleMeterRegistry());

    @Test
    void aTopicGetsTheConfiguredCopiesAndMinimumInSyncReplicas() throws Exception {
        var name = infra.unique("durable");
        new KafkaTopics(clients, DeclaredTopics.of(DeclaredTopics.topic(name, 2)), (short) 1, 1).ensureCreated();

        try (var admin = Admin.create(clients.adminConfig())) {
            var description = admin.describeTopics(List.of(name)).allTopicNames().get().get(name);
            assertThat(description.partitions()).hasSize(2).allSatisfy(partition -> assertThat(partition.replicas()).hasSize(1));
            var resource = new ConfigResource(ConfigResource.Type.TOPIC, name);
            var config = admin.describeConfigs(List.of(resource)).all().get().get(resource).get(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG);
            // Set on the topic itself, not inherited from the broker's default.
            assertThat(config.value()).isEqualTo("1");
            assertThat(config.source()).isEqualTo(org.apache.kafka.clients.admin.ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG);
        }
    }

    @Test
    void moreCopiesThanBrokersIsRefusedNotQuietlyReduced() throws Exception {
        var name = infra.unique("three-copies");
        var topics = new KafkaTopics(clients, DeclaredTopics.of(DeclaredTopics.topic(name, 1)), (short) 3, 2);

        assertThatThrownBy(topics::ensureCreated).isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(InvalidReplicationFactorException.class);
        try (var admin = Admin.create(clients.adminConfig())) {
            assertThat(admin.listTopics().names().get()).doesNotContain(name);
        }
    }

    @Test
    void aMinimumAboveTheCopiesIsAConfigurationError() {
        assertThatThrownBy(() -> new KafkaTopics(clients, DeclaredTopics.of(), (short) 1, 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("min-insync-replicas");
    }
}
