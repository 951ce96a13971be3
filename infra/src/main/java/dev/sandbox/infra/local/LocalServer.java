package dev.sandbox.infra.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import dev.sandbox.infra.Component;
import dev.sandbox.infra.Endpoints;

/**
 * One server run from its OS binaries (or, for Kafka, its jars) in a directory of its own: data,
 * configuration, ports, pid and log all live there, so it can be killed and started again with its
 * data, by this JVM or any other.
 */
public abstract sealed class LocalServer permits RedisServer, PostgresServer, RabbitMqServer, KafkaBroker,
        ZipkinServer, PrometheusServer {

    protected final Path dir;
    protected final String host;
    protected final Ports ports;
    protected final ManagedProcess process;

    protected LocalServer(Component component, Path dir, String host, boolean fixedClientPort, Set<String> otherPorts) {
        this.dir = dir;
        this.host = host;
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        var fixed = fixedClientPort ? Map.of("client", component.defaultPort()) : Map.<String, Integer>of();
        var free = new TreeSet<>(otherPorts);
        if (!fixedClientPort) {
            free.add("client");
        }
        this.ports = Ports.loadOrAllocate(dir.resolve("ports.properties"), host, fixed, free);
        this.process = new ManagedProcess(component.id(), dir);
    }

    public static LocalServer of(Component component, Path dir, String host, boolean fixedClientPort) {
        return switch (component) {
            case REDIS -> new RedisServer(dir, host, fixedClientPort);
            case POSTGRES -> new PostgresServer(dir, host, fixedClientPort);
            case RABBITMQ -> new RabbitMqServer(dir, host, fixedClientPort);
            case KAFKA -> new KafkaBroker(dir, host, fixedClientPort);
            case ZIPKIN -> new ZipkinServer(dir, host, fixedClientPort);
            case PROMETHEUS -> new PrometheusServer(dir, host, fixedClientPort);
        };
    }

    public abstract Component component();

    public abstract Endpoints.Endpoint endpoint();

    /** First-run setup, done once per data directory (initdb, storage format, configuration files). */
    protected void prepare() throws IOException {
    }

    protected abstract List<String> command();

    protected Map<String, String> environment() {
        return Map.of();
    }

    /** The signal that asks this server for a clean shutdown. */
    protected Signal stopSignal() {
        return Signal.TERM;
    }

    protected Duration startTimeout() {
        return Duration.ofSeconds(60);
    }

    public ManagedProcess process() {
        return process;
    }

    public int clientPort() {
        return ports.get("client");
    }

    /** Starts the server process unless it runs already; does not wait for readiness. */
    public void launch(boolean detached) {
        if (process.isAlive()) {
            return;
        }
        try {
            prepare();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare " + component().id() + " in " + dir, e);
        }
        process.start(command(), environment(), dir, detached);
    }

    public void stop() {
        process.stop(stopSignal(), Duration.ofSeconds(30));
    }

    protected Path path(String name) {
        return dir.resolve(name);
    }
}
