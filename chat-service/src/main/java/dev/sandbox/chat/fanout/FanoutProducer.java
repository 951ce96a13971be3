package dev.sandbox.chat.fanout;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import com.rabbitmq.client.ConnectionFactory;

import dev.sandbox.chat.ChatConfig;
import dev.sandbox.common.telemetry.MessagingTracer;
import io.opentelemetry.api.OpenTelemetry;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;

/** The fan-out chosen by {@code chat.fanout}; RabbitMQ's settings are the ones the readiness check reads. */
public class FanoutProducer {

    @Produces
    @ApplicationScoped
    Fanout fanout(ChatConfig config, Redis redis, Vertx vertx, OpenTelemetry openTelemetry,
            @ConfigProperty(name = "quarkus.redis.timeout", defaultValue = "10s") Duration redisTimeout,
            @ConfigProperty(name = "rabbitmq-host") String host,
            @ConfigProperty(name = "rabbitmq-port", defaultValue = "5672") int port,
            @ConfigProperty(name = "rabbitmq-username", defaultValue = "guest") String username,
            @ConfigProperty(name = "rabbitmq-password", defaultValue = "guest") String password) {
        if (config.fanout() == ChatConfig.Fanout.REDIS) {
            return new RedisFanout(redis, vertx, config.namespace() + ":fanout:", new MessagingTracer(openTelemetry, "redis"), redisTimeout);
        }
        var factory = new ConnectionFactory();
        factory.setHost(host);
        factory.setPort(port);
        factory.setUsername(username);
        factory.setPassword(password);
        factory.setConnectionTimeout(1_000);
        factory.setHandshakeTimeout(2_000);
        factory.setAutomaticRecoveryEnabled(true);
        factory.setTopologyRecoveryEnabled(true);
        factory.setNetworkRecoveryInterval(500);
        factory.setRequestedHeartbeat(5);
        return new RabbitFanout(factory, config.namespace() + ".rooms", config.namespace() + ".node." + config.nodeId(),
                new MessagingTracer(openTelemetry, "rabbitmq"));
    }

    void close(@Disposes Fanout fanout) {
        fanout.close();
    }
}
