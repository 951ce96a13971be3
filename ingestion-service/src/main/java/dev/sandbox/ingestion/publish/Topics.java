package dev.sandbox.ingestion.publish;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.jboss.logging.Logger;

import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;

import dev.sandbox.ingestion.IngestionConfig;

/**
 * Creates the topics with the partitions wanted, at startup: a broker auto-creates topics with one
 * partition, which would make the sink single-threaded for good.
 */
@ApplicationScoped
public class Topics {

    private static final Logger LOG = Logger.getLogger(Topics.class);

    private final IngestionConfig.Topics config;
    private final Map<String, Object> kafka;

    Topics(IngestionConfig config, @Identifier("default-kafka-broker") Map<String, Object> kafka) {
        this.config = config.topics();
        this.kafka = kafka;
    }

    void create(@Observes StartupEvent startup) throws InterruptedException {
        try (var admin = Admin.create(KafkaClients.adminConfig(kafka))) {
            var topics = List.of(
                    new NewTopic(config.events(), config.partitions(), config.replicationFactor()),
                    new NewTopic(config.deadLetters(), 1, config.replicationFactor()));
            for (var entry : admin.createTopics(topics).values().entrySet()) {
                try {
                    entry.getValue().get(30, TimeUnit.SECONDS);
                    LOG.infof("created topic %s", entry.getKey());
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("cannot create topic " + entry.getKey() + ": " + e.getCause().getMessage(), e);
                    }
                } catch (java.util.concurrent.TimeoutException e) {
                    throw new IllegalStateException("Kafka did not create topic " + entry.getKey() + " within 30 s", e);
                }
            }
        }
    }

    public String events() {
        return config.events();
    }

    public String deadLetters() {
        return config.deadLetters();
    }
}
