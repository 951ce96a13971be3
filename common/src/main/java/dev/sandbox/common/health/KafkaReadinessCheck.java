package dev.sandbox.common.health;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import io.quarkus.arc.properties.IfBuildProperty;

import dev.sandbox.common.kafka.KafkaClients;

/**
 * Ready only while the Kafka cluster answers a metadata request, within two seconds. Quarkus' own
 * check ({@code quarkus.kafka.health.enabled}) waits up to {@code default.api.timeout.ms} (60 s)
 * on a dead broker, longer than any readiness probe waits: the probe would time out instead of
 * reading DOWN. It connects with the same {@code kafka.*} settings as the service's clients
 * ({@link KafkaClients}), security included. Built into the services that set {@code sandbox.kafka=true}.
 */
@Readiness
@ApplicationScoped
@IfBuildProperty(name = "sandbox.kafka", stringValue = "true")
public class KafkaReadinessCheck implements HealthCheck {

    private static final int TIMEOUT_MS = 2_000;

    private final KafkaClients clients;
    private final String bootstrapServers;
    private Admin admin;

    KafkaReadinessCheck(KafkaClients clients) {
        this.clients = clients;
        this.bootstrapServers = String.valueOf(clients.settings().get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG));
    }

    @Override
    public synchronized HealthCheckResponse call() {
        var response = HealthCheckResponse.named("Kafka cluster").withData("bootstrap.servers", bootstrapServers);
        try {
            if (admin == null) {
                var config = clients.adminConfig();
                config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, TIMEOUT_MS);
                config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, TIMEOUT_MS);
                config.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1_000);
                admin = Admin.create(config);
            }
            var nodes = admin.describeCluster(new DescribeClusterOptions().timeoutMs(TIMEOUT_MS))
                    .nodes().get(TIMEOUT_MS + 500, TimeUnit.MILLISECONDS);
            return response.status(!nodes.isEmpty()).withData("nodes", nodes.size()).build();
        } catch (Exception e) {
            return response.down().withData("error", String.valueOf(e.getMessage())).build();
        }
    }

    @PreDestroy
    synchronized void close() {
        if (admin != null) {
            admin.close(Duration.ofSeconds(1));
        }
    }
}
