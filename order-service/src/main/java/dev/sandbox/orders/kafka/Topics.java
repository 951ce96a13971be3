package dev.sandbox.orders.kafka;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.jboss.logging.Logger;

/**
 * Creates {@code orders.v1} and {@code payments.v1} with the partitions chosen for them, instead of
 * letting the broker auto-create them with its default (one partition). Every worker calls
 * {@link #ensureCreated()} before its first poll, so whichever starts first creates them, and a
 * broker that is down at startup only delays it.
 */
@ApplicationScoped
public class Topics {

    private static final Logger LOG = Logger.getLogger(Topics.class);

    private final TopicsConfig config;
    private final KafkaClients clients;
    private volatile boolean created;

    Topics(TopicsConfig config, KafkaClients clients) {
        this.config = config;
        this.clients = clients;
    }

    public String orders() {
        return config.orders();
    }

    public String payments() {
        return config.payments();
    }

    public void ensureCreated() throws InterruptedException, ExecutionException {
        if (created) {
            return;
        }
        try (var admin = Admin.create(clients.adminConfig())) {
            for (var name : List.of(config.orders(), config.payments())) {
                try {
                    admin.createTopics(List.of(new NewTopic(name, config.partitions(), config.replicationFactor())
                            .configs(Map.of("min.insync.replicas", "1")))).all().get();
                    LOG.infof("created topic %s with %d partitions", name, config.partitions());
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
            }
        }
        created = true;
    }
}
