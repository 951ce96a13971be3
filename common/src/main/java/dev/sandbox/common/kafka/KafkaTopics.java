package dev.sandbox.common.kafka;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.quarkus.arc.properties.IfBuildProperty;
import io.quarkus.runtime.StartupEvent;

/**
 * Creates the service's {@link DeclaredTopics} instead of letting the broker auto-create them with
 * its default (one partition, which would cap a consumer group's parallelism at one for good).
 *
 * <p>One policy in every service: a broker that is down at start delays the topics, never the
 * service. An attempt starts with the application, on a thread of its own, and whatever is about
 * to produce or consume calls {@link #ensureCreated()} first: it waits for that attempt, or makes
 * one, and throws while the broker is away (the caller's loop, or its 503, deals with that). Once
 * the topics exist, the call costs a volatile read. A topic that already exists is left as it is.
 *
 * <p>Every topic gets the cluster's durability: {@code sandbox.topics.replication-factor} copies,
 * and {@code sandbox.topics.min-insync-replicas}, the copies that must hold a record before an
 * {@code acks=all} write (every producer of common's) is acknowledged. The defaults, 1 and 1, fit
 * the sandbox's single broker; on three brokers, 3 and 2 keep every acknowledged record through the
 * loss of any one. A broker with fewer brokers than the replication factor refuses the topic: the
 * service then retries, and says why, instead of running with fewer copies than it was told.
 */
@ApplicationScoped
@IfBuildProperty(name = "sandbox.kafka", stringValue = "true")
public class KafkaTopics {

    private static final Logger LOG = Logger.getLogger(KafkaTopics.class);

    private final KafkaClients clients;
    private final DeclaredTopics declared;
    private final short replicationFactor;
    private final int minInsyncReplicas;
    private volatile boolean created;

    KafkaTopics(KafkaClients clients, DeclaredTopics declared,
            @ConfigProperty(name = "sandbox.topics.replication-factor", defaultValue = "1") short replicationFactor,
            @ConfigProperty(name = "sandbox.topics.min-insync-replicas", defaultValue = "1") int minInsyncReplicas) {
        if (replicationFactor < 1 || minInsyncReplicas < 1 || minInsyncReplicas > replicationFactor) {
            throw new IllegalArgumentException("sandbox.topics: need 1 <= min-insync-replicas (" + minInsyncReplicas
                    + ") <= replication-factor (" + replicationFactor + ")");
        }
        this.clients = clients;
        this.declared = declared;
        this.replicationFactor = replicationFactor;
        this.minInsyncReplicas = minInsyncReplicas;
    }

    void createAtStartup(@Observes StartupEvent startup) {
        Thread.ofVirtual().name("kafka-topics").start(() -> {
            try {
                ensureCreated();
            } catch (ExecutionException e) {
                LOG.warnf("topics not created at startup (%s); the first client to need them tries again", e.getCause().getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                LOG.warnf("topics not created at startup (%s); the first client to need them tries again", e.getMessage());
            }
        });
    }

    /** Returns once every declared topic exists; throws if the broker cannot be reached or refuses one. */
    public void ensureCreated() throws InterruptedException, ExecutionException {
        if (created) {
            return;
        }
        synchronized (this) {
            if (created) {
                return;
            }
            try (var admin = Admin.create(clients.adminConfig())) {
                for (var topic : declared.topics()) {
                    try {
                        admin.createTopics(List.of(newTopic(topic))).all().get();
                        LOG.infof("created topic %s with %d partitions, %d replicas, min.insync.replicas=%d",
                                topic.name(), topic.partitions(), replicationFactor, minInsyncReplicas);
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

    NewTopic newTopic(DeclaredTopics.Topic topic) {
        return new NewTopic(topic.name(), topic.partitions(), replicationFactor)
                .configs(Map.of(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, String.valueOf(minInsyncReplicas)));
    }
}
