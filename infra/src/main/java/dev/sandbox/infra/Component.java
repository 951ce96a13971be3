package dev.sandbox.infra;

import java.util.Arrays;
import java.util.Locale;

/**
 * The servers the services depend on, with the client port each listens on by default: the stores
 * and brokers, and the two that show what the services do (a trace store with its UI, Zipkin; a
 * metrics store that scrapes every service, Prometheus).
 */
public enum Component {
    REDIS(6379),
    POSTGRES(5432),
    RABBITMQ(5672),
    KAFKA(9092),
    ZIPKIN(9411),
    PROMETHEUS(9090);

    private final int defaultPort;

    Component(int defaultPort) {
        this.defaultPort = defaultPort;
    }

    public int defaultPort() {
        return defaultPort;
    }

    /** The name used on the command line, in directories and in logs: {@code kafka}, {@code redis}... */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Component of(String id) {
        return Arrays.stream(values())
                .filter(c -> c.id().equals(id))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown infrastructure component: " + id));
    }
}
