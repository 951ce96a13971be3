package dev.sandbox.infra;

import java.sql.DriverManager;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;

import com.rabbitmq.client.ConnectionFactory;

import redis.clients.jedis.Jedis;

/**
 * A real round trip to each kind of server, through the server's own client library: an open port
 * is not readiness (PostgreSQL accepts connections while it still recovers, Kafka while its
 * controller has not elected itself).
 */
public final class ReadinessProbe {

    private static final int TIMEOUT_MS = 2_000;

    private ReadinessProbe() {
    }

    public static boolean isReady(Component component, Endpoints endpoints) {
        try {
            switch (component) {
                case REDIS -> redis(endpoints.redis());
                case POSTGRES -> postgres(endpoints.postgres());
                case RABBITMQ -> rabbitMq(endpoints.rabbitMq());
                case KAFKA -> kafka(endpoints.kafka());
                case ZIPKIN -> http(endpoints.zipkin().url() + "/health");
                case PROMETHEUS -> http(endpoints.prometheus().url() + "/-/ready");
            }
            return true;
        } catch (Exception | LinkageError e) {
            return false;
        }
    }

    static void redis(Endpoints.Redis redis) {
        try (var jedis = new Jedis(redis.host(), redis.port(), TIMEOUT_MS)) {
            var key = "sandbox:probe:" + UUID.randomUUID();
            jedis.setex(key, 5, "ok");
            if (!"ok".equals(jedis.get(key))) {
                throw new IllegalStateException("redis did not return what was written");
            }
            jedis.del(key);
        }
    }

    static void postgres(Endpoints.Postgres postgres) throws Exception {
        DriverManager.setLoginTimeout(TIMEOUT_MS / 1000);
        try (var connection = postgres.connect("postgres");
             var statement = connection.createStatement()) {
            statement.setQueryTimeout(TIMEOUT_MS / 1000);
            // pg_is_in_recovery() is true while the server still replays WAL after a crash.
            var result = statement.executeQuery("SELECT NOT pg_is_in_recovery()");
            if (!result.next() || !result.getBoolean(1)) {
                throw new IllegalStateException("postgres is still recovering");
            }
        }
    }

    static void rabbitMq(Endpoints.RabbitMq rabbitMq) throws Exception {
        var factory = new ConnectionFactory();
        factory.setHost(rabbitMq.host());
        factory.setPort(rabbitMq.port());
        factory.setUsername(rabbitMq.user());
        factory.setPassword(rabbitMq.password());
        factory.setConnectionTimeout(TIMEOUT_MS);
        factory.setHandshakeTimeout(TIMEOUT_MS);
        factory.setAutomaticRecoveryEnabled(false);
        try (var connection = factory.newConnection("sandbox-probe");
             var channel = connection.createChannel()) {
            // A server-named, exclusive queue: declared and gone with the connection.
            channel.queueDeclare();
        }
    }

    static void kafka(Endpoints.Kafka kafka) throws Exception {
        var config = Map.<String, Object>of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, TIMEOUT_MS,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, TIMEOUT_MS,
                AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 200);
        try (var admin = Admin.create(config)) {
            var cluster = admin.describeCluster(new DescribeClusterOptions().timeoutMs(TIMEOUT_MS));
            if (cluster.nodes().get(TIMEOUT_MS, TimeUnit.MILLISECONDS).isEmpty()
                    || cluster.controller().get(TIMEOUT_MS, TimeUnit.MILLISECONDS) == null) {
                throw new IllegalStateException("kafka has no broker or no controller yet");
            }
        }
    }

    /** A 200 from a health endpoint. */
    static void http(String url) throws Exception {
        try (var client = java.net.http.HttpClient.newBuilder().connectTimeout(Duration.ofMillis(TIMEOUT_MS)).build()) {
            var response = client.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(url))
                    .timeout(Duration.ofMillis(TIMEOUT_MS)).GET().build(), java.net.http.HttpResponse.BodyHandlers.discarding());
            if (response.statusCode() != 200) {
                throw new IllegalStateException(url + " answered " + response.statusCode());
            }
        }
    }

    /**
     * Polls until the component is ready, or fails with the component's name and how long it waited.
     * {@code stillStarting} throws as soon as waiting is pointless (the process exited, say).
     */
    public static void awaitReady(Component component, Endpoints endpoints, Duration timeout, Runnable stillStarting) {
        var deadline = System.nanoTime() + timeout.toNanos();
        long pauseMs = 50;
        while (!isReady(component, endpoints)) {
            stillStarting.run();
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(component.id() + " not ready after " + timeout.toSeconds() + " s");
            }
            sleep(pauseMs);
            pauseMs = Math.min(500, pauseMs * 2);
        }
    }

    static void sleep(long millis) {
        try {
            TimeUnit.MILLISECONDS.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
