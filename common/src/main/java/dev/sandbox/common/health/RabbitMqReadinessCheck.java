package dev.sandbox.common.health;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;

import io.quarkus.arc.properties.IfBuildProperty;

/**
 * Ready only while RabbitMQ answers: a channel opened and closed on a kept connection is a round
 * trip. Built into the services that set {@code sandbox.health.rabbitmq=true} (they also add the
 * AMQP client); it reads the connection settings the SmallRye RabbitMQ connector reads.
 */
@Readiness
@ApplicationScoped
@IfBuildProperty(name = "sandbox.health.rabbitmq", stringValue = "true")
public class RabbitMqReadinessCheck implements HealthCheck {

    private final ConnectionFactory factory = new ConnectionFactory();
    private Connection connection;

    RabbitMqReadinessCheck(@ConfigProperty(name = "rabbitmq-host") String host,
            @ConfigProperty(name = "rabbitmq-port", defaultValue = "5672") int port,
            @ConfigProperty(name = "rabbitmq-username", defaultValue = "guest") String username,
            @ConfigProperty(name = "rabbitmq-password", defaultValue = "guest") String password) {
        factory.setHost(host);
        factory.setPort(port);
        factory.setUsername(username);
        factory.setPassword(password);
        factory.setConnectionTimeout(2_000);
        factory.setHandshakeTimeout(2_000);
        factory.setAutomaticRecoveryEnabled(false);
    }

    @Override
    public synchronized HealthCheckResponse call() {
        var response = HealthCheckResponse.named("RabbitMQ connection").withData("host", factory.getHost() + ":" + factory.getPort());
        try {
            if (connection == null || !connection.isOpen()) {
                connection = factory.newConnection("readiness");
            }
            connection.createChannel().close();
            return response.up().build();
        } catch (Exception e) {
            return response.down().withData("error", String.valueOf(e.getMessage())).build();
        }
    }

    @PreDestroy
    synchronized void close() {
        if (connection != null && connection.isOpen()) {
            try {
                connection.close(1_000);
            } catch (Exception e) {
                // shutting down anyway
            }
        }
    }
}
