package dev.sandbox.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import com.rabbitmq.client.ConnectionFactory;

import dev.sandbox.infra.testing.TestInfrastructure;
import redis.clients.jedis.Jedis;

/** Redis, PostgreSQL and RabbitMQ are the real servers: data goes in and comes back out, and faults act on them. */
class ServerRoundTripTest {

    private final TestInfrastructure infra = TestInfrastructure.with(Component.REDIS, Component.POSTGRES, Component.RABBITMQ);

    @Test
    void redisStoresAndReturnsValues() {
        var redis = infra.endpoints().redis();
        try (var jedis = new Jedis(redis.host(), redis.port())) {
            var key = infra.unique("greeting");
            jedis.set(key, "hello");
            jedis.zadd(infra.unique("window"), 1.0, "a");
            assertThat(jedis.get(key)).isEqualTo("hello");
            assertThat(jedis.zcard(infra.unique("window"))).isEqualTo(1);
        }
    }

    @Test
    void pausedRedisAnswersNothingUntilResumed() {
        var redis = infra.endpoints().redis();
        try (var jedis = new Jedis(redis.host(), redis.port(), 500)) {
            assertThat(jedis.ping()).isEqualTo("PONG");
            infra.pause(Component.REDIS);
            try {
                assertThatThrownBy(jedis::ping).hasRootCauseInstanceOf(SocketTimeoutException.class);
            } finally {
                infra.resume(Component.REDIS);
            }
        }
        try (var jedis = new Jedis(redis.host(), redis.port(), 2_000)) {
            assertThat(jedis.ping()).isEqualTo("PONG");
        }
    }

    @Test
    void postgresCommitsSurviveSigkill() throws Exception {
        var postgres = infra.endpoints().postgres();
        var database = infra.database();
        try (var connection = postgres.connect(database); var statement = connection.createStatement()) {
            statement.execute("CREATE TABLE note (id int PRIMARY KEY, body text NOT NULL)");
            statement.execute("INSERT INTO note SELECT i, 'note ' || i FROM generate_series(1, 1000) i");
        }

        infra.kill(Component.POSTGRES);
        assertThat(infra.infrastructure().isReady(Component.POSTGRES)).isFalse();
        infra.restart(Component.POSTGRES);

        try (var connection = postgres.connect(database); var statement = connection.createStatement()) {
            var result = statement.executeQuery("SELECT count(*), sum(id) FROM note");
            result.next();
            assertThat(result.getLong(1)).isEqualTo(1000);
            assertThat(result.getLong(2)).isEqualTo(500_500);
        }
    }

    @Test
    void rabbitMqDeliversPublishedMessages() throws Exception {
        var rabbit = infra.endpoints().rabbitMq();
        var factory = new ConnectionFactory();
        factory.setHost(rabbit.host());
        factory.setPort(rabbit.port());
        factory.setUsername(rabbit.user());
        factory.setPassword(rabbit.password());
        try (var connection = factory.newConnection(); var channel = connection.createChannel()) {
            var queue = infra.unique("work");
            channel.queueDeclare(queue, true, false, true, null);
            channel.confirmSelect();
            channel.basicPublish("", queue, null, "job-1".getBytes(StandardCharsets.UTF_8));
            channel.waitForConfirmsOrDie(Duration.ofSeconds(5).toMillis());

            var delivered = channel.basicGet(queue, true);
            assertThat(new String(delivered.getBody(), StandardCharsets.UTF_8)).isEqualTo("job-1");
        }
    }
}
