package dev.sandbox.orders.testing;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.awaitility.Awaitility;

import dev.sandbox.infra.cli.ServiceProcess;
import dev.sandbox.infra.cli.Topology;
import dev.sandbox.infra.local.LocalInfrastructure;
import dev.sandbox.infra.testing.TestInfrastructure;

/**
 * One role of the packaged order-service as its own OS process, started the way {@code ./sandbox}
 * starts it (the topology's entry, {@link ServiceProcess}), so that a test can kill -9 it and start
 * it again with other settings. Its directory (pid, log) lives in the test run's, which removes
 * whatever is left of it when the test JVM exits.
 */
public final class OrderServiceProcess {

    private static final Path ROOT = Path.of(System.getProperty("sandbox.root", "..")).toAbsolutePath().normalize();

    private final ServiceProcess process;
    private final Map<String, String> environment;
    private int starts;

    /**
     * @param component {@code order-service} (the API) or {@code order-processor}
     * @param environment the run's settings (topics, groups, design switches) on top of the servers' addresses
     */
    public OrderServiceProcess(TestInfrastructure infra, String component, String name, Map<String, String> environment) {
        var spec = Topology.service(component).orElseThrow();
        var runDir = infra.infrastructure() instanceof LocalInfrastructure local
                ? local.run().path()
                : Path.of(System.getProperty("java.io.tmpdir"));
        this.process = new ServiceProcess(spec, runDir.resolve(name), "127.0.0.1", false);
        this.process.allocatePort();
        this.environment = new LinkedHashMap<>(infra.endpoints().environment(spec.needs(), infra.database()));
        this.environment.putAll(spec.environment());
        this.environment.put("QUARKUS_HTTP_PORT", String.valueOf(process.port()));
        this.environment.put("QUARKUS_PROFILE", "prod");
        this.environment.putAll(environment);
    }

    /** Starts it with {@code settings} on top of its environment (crash points, say); does not wait. */
    public void start(Map<String, String> settings) {
        var merged = new LinkedHashMap<>(environment);
        merged.putAll(settings);
        process.start(ROOT, merged);
        starts++;
    }

    public void startAndAwaitReady(Map<String, String> settings) {
        start(settings);
        awaitReady();
    }

    public void awaitReady() {
        Awaitility.await(process.spec().name() + " ready").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    process.process().requireAlive();
                    return process.isReady();
                });
    }

    /** SIGKILL: no shutdown hook, nothing flushed or committed. */
    public void kill() {
        process.process().kill();
    }

    /** SIGTERM and wait: readiness goes down, in-flight work finishes, consumers commit. */
    public void stop() {
        process.stop();
    }

    /** Whether its readiness endpoint answers 200 now. */
    public boolean isReady() {
        return process.isReady();
    }

    public boolean isAlive() {
        return process.process().isAlive();
    }

    public int starts() {
        return starts;
    }

    public String url() {
        return process.url();
    }

    public String logTail() {
        return process.process().tail(40);
    }
}
