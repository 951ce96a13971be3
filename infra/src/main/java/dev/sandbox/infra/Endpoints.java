package dev.sandbox.infra;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Where each started component can be reached. This is the one place that turns addresses into
 * configuration: the Quarkus properties handed to tests and the environment variables handed to
 * service processes (and written in docker-compose.yml and the Kubernetes manifests) come from here.
 */
public record Endpoints(Map<Component, Endpoint> byComponent) {

    /** Credentials of the sandbox's servers: development values, the same in every environment. */
    public static final String POSTGRES_USER = "app";
    public static final String POSTGRES_PASSWORD = "app";
    public static final String RABBITMQ_USER = "sandbox";
    public static final String RABBITMQ_PASSWORD = "sandbox";

    public sealed interface Endpoint permits Redis, Postgres, RabbitMq, Kafka, Zipkin, Prometheus {
        int port();
    }

    public record Redis(String host, int port) implements Endpoint {
        public String uri() {
            return "redis://" + host + ":" + port;
        }
    }

    public record Postgres(String host, int port, String user, String password) implements Endpoint {
        public String jdbcUrl(String database) {
            return "jdbc:postgresql://" + host + ":" + port + "/" + database;
        }

        public Connection connect(String database) throws SQLException {
            return DriverManager.getConnection(jdbcUrl(database), user, password);
        }

        /** Creates the database unless it exists. */
        public void createDatabase(String database) {
            if (!database.matches("[a-z_][a-z0-9_]{0,62}")) {
                throw new IllegalArgumentException("not a plain database name: " + database);
            }
            try (var connection = connect("postgres");
                 var exists = connection.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
                exists.setString(1, database);
                if (!exists.executeQuery().next()) {
                    try (var create = connection.createStatement()) {
                        create.execute("CREATE DATABASE " + database);
                    }
                }
            } catch (SQLException e) {
                if (!"42P04".equals(e.getSQLState())) { // created concurrently: fine
                    throw new IllegalStateException("cannot create database " + database + ": " + e.getMessage(), e);
                }
            }
        }
    }

    public record RabbitMq(String host, int port, String user, String password) implements Endpoint {
    }

    public record Kafka(String host, int port) implements Endpoint {
        public String bootstrapServers() {
            return host + ":" + port;
        }
    }

    /** The trace store: its UI and query API at {@link #url()}, spans in at {@link #spansUrl()} (Zipkin JSON v2). */
    public record Zipkin(String host, int port) implements Endpoint {
        public String url() {
            return "http://" + host + ":" + port;
        }

        public String spansUrl() {
            return url() + "/api/v2/spans";
        }
    }

    /** The metrics store: its query UI and HTTP API, and the dashboards it serves (deploy/observability). */
    public record Prometheus(String host, int port) implements Endpoint {
        public String url() {
            return "http://" + host + ":" + port;
        }

        public String dashboardsUrl() {
            return url() + "/consoles/overview.html";
        }
    }

    public Endpoints {
        byComponent = Map.copyOf(byComponent);
    }

    public static Endpoints of(Map<Component, Endpoint> endpoints) {
        return new Endpoints(new EnumMap<>(endpoints));
    }

    public Set<Component> components() {
        return byComponent.keySet();
    }

    public Redis redis() {
        return get(Component.REDIS, Redis.class);
    }

    public Postgres postgres() {
        return get(Component.POSTGRES, Postgres.class);
    }

    public RabbitMq rabbitMq() {
        return get(Component.RABBITMQ, RabbitMq.class);
    }

    public Kafka kafka() {
        return get(Component.KAFKA, Kafka.class);
    }

    public Zipkin zipkin() {
        return get(Component.ZIPKIN, Zipkin.class);
    }

    public Prometheus prometheus() {
        return get(Component.PROMETHEUS, Prometheus.class);
    }

    private <T extends Endpoint> T get(Component component, Class<T> type) {
        var endpoint = byComponent.get(component);
        if (endpoint == null) {
            throw new IllegalStateException(component.id() + " is not started; started: " + components());
        }
        return type.cast(endpoint);
    }

    /**
     * The Quarkus configuration a service needs to reach {@code components}. {@code database} is the
     * PostgreSQL database the service owns (ignored unless POSTGRES is among the components).
     */
    public Map<String, String> quarkusConfig(Set<Component> components, String database) {
        var config = new LinkedHashMap<String, String>();
        for (var component : components) {
            switch (component) {
                case KAFKA -> config.put("kafka.bootstrap.servers", kafka().bootstrapServers());
                case REDIS -> config.put("quarkus.redis.hosts", redis().uri());
                case POSTGRES -> {
                    config.put("quarkus.datasource.jdbc.url", postgres().jdbcUrl(database));
                    config.put("quarkus.datasource.username", postgres().user());
                    config.put("quarkus.datasource.password", postgres().password());
                }
                case RABBITMQ -> {
                    config.put("rabbitmq-host", rabbitMq().host());
                    config.put("rabbitmq-port", String.valueOf(rabbitMq().port()));
                    config.put("rabbitmq-username", rabbitMq().user());
                    config.put("rabbitmq-password", rabbitMq().password());
                }
                // Tracing is optional: a service runs the same without a trace store (a lean run).
                case ZIPKIN -> {
                    if (byComponent.containsKey(Component.ZIPKIN)) {
                        config.put("sandbox.tracing.zipkin-endpoint", zipkin().spansUrl());
                    }
                }
                // Prometheus comes to the services (it scrapes them): they need no address of it.
                case PROMETHEUS -> { }
            }
        }
        return config;
    }

    /** The same configuration as environment variables, named the way Quarkus maps them back. */
    public Map<String, String> environment(Set<Component> components, String database) {
        var env = new LinkedHashMap<String, String>();
        quarkusConfig(components, database).forEach((key, value) -> env.put(environmentName(key), value));
        return env;
    }

    /** MicroProfile Config's rule: every character that is not a letter or digit becomes '_', upper-cased. */
    public static String environmentName(String property) {
        return property.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(Locale.ROOT);
    }
}
