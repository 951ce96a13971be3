package dev.sandbox.ingestion;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import org.awaitility.Awaitility;

import dev.sandbox.infra.cli.ServiceProcess;
import dev.sandbox.infra.cli.Topology;
import dev.sandbox.infra.local.LocalInfrastructure;
import dev.sandbox.infra.testing.TestInfrastructure;

/**
 * The packaged service run as OS processes (to kill -9 them), as ./sandbox runs it: the topology's
 * {@code ingestion-service} (uploads) and {@code ingestion-sink}, on free ports, with topics, a
 * consumer group and a database of the test's own. Their directories live in the test
 * infrastructure's run, so they die with it even if this JVM is killed.
 */
public final class ServiceProcesses {

    /** The project's root: failsafe runs in the module's directory. */
    private static final Path ROOT = Path.of("").toAbsolutePath().getParent();

    private final TestInfrastructure infra;
    private final String database;
    private final Path dir;

    public ServiceProcesses(TestInfrastructure infra) {
        this.infra = infra;
        this.database = infra.database();
        this.dir = infra.infrastructure() instanceof LocalInfrastructure local
                ? local.run().path().resolve("services-" + infra.runId())
                : tempDir();
    }

    private static Path tempDir() {
        try {
            return Files.createTempDirectory("ingestion-services");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String database() {
        return database;
    }

    public String eventsTopic() {
        return infra.unique("events.v1");
    }

    /** A topology service ({@code ingestion-service} or {@code ingestion-sink}) with extra settings, started and ready. */
    public ServiceProcess start(String name, Map<String, String> settings) {
        var spec = Topology.service(name).orElseThrow();
        var service = new ServiceProcess(spec, dir.resolve(name), "127.0.0.1", false);
        service.allocatePort();
        var environment = new HashMap<>(spec.database(database).environment(infra.endpoints(), service.port(), other -> {
            throw new IllegalArgumentException("no other service runs here: " + other);
        }));
        environment.put("INGESTION_TOPICS_EVENTS", eventsTopic());
        environment.put("INGESTION_TOPICS_DEAD_LETTERS", infra.unique("events.dlq.v1"));
        environment.put("INGESTION_SINK_GROUP_ID", infra.unique("ingestion-sink"));
        environment.putAll(settings);
        service.start(ROOT, environment);
        awaitReady(service);
        return service;
    }

    public static void awaitReady(ServiceProcess service) {
        Awaitility.await(service.spec().name() + " ready").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250))
                .until(() -> {
                    service.process().requireAlive();
                    return service.isReady();
                });
    }
}
