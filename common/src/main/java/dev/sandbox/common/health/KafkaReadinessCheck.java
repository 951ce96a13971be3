package dev.sandbox.common.health;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import io.quarkus.arc.properties.IfBuildProperty;

/**
 * Ready only while the Kafka cluster answers a metadata request, within two seconds. Quarkus' own
 * check ({@code quarkus.kafka.health.enabled}) waits up to {@code default.api.timeout.ms} (60 s)
 * on a dead broker, longer than any readiness probe waits: the probe would time out instead of
 * reading DOWN. Built into the services that set {@code sandbox.health.kafka=true}.
 */
@Readiness
@ApplicationScoped
@IfBuildProperty(name = "sandbox.health.kafka", stringValue = "true")
public class KafkaReadinessCheck implements HealthCheck {

    private static final int TIMEOUT_MS = 2_000;

    private final String bootstrapServers;
    private Admin admin;

    KafkaReadinessCheck(@ConfigProperty(name = "kafka.bootstrap.servers") String bootstrapServers) {
        this.bootstrapServers = bootstrapServers;
    }

    @Override
    public synchronized HealthCheckResponse call() {
        var response = HealthCheckResponse.named("Kafka cluster").withData("bootstrap.servers", bootstrapServers);
        try {
            if (admin == null) {
                admin = Admin.create(Map.of(
                        AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, TIMEOUT_MS,
                        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, TIMEOUT_MS,
                        AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1_000));
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
            admin.close(java.time.Duration.ofSeconds(1));
        }
    }
}
