package dev.sandbox.common.kafka;

import java.util.List;
import java.util.concurrent.ExecutionException;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.errors.TopicExistsException;
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
 */
@ApplicationScoped
@IfBuildProperty(name = "sandbox.kafka", stringValue = "true")
public class KafkaTopics {

    private static final Logger LOG = Logger.getLogger(KafkaTopics.class);

    private final KafkaClients clients;
    private final DeclaredTopics declared;
    private volatile boolean created;

    KafkaTopics(KafkaClients clients, DeclaredTopics declared) {
        this.clients = clients;
        this.declared = declared;
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
                        admin.createTopics(List.of(topic)).all().get();
                        LOG.infof("created topic %s with %d partitions", topic.name(), topic.numPartitions());
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
}
