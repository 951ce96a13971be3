package dev.sandbox.infra.testing;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.awaitility.Awaitility;

import dev.sandbox.infra.cli.ServiceProcess;
import dev.sandbox.infra.cli.Topology;
import dev.sandbox.infra.local.LocalInfrastructure;

/**
 * A packaged service as its own OS process, started the way {@code ./sandbox} starts it (its
 * {@link Topology} entry and environment, {@link ServiceProcess}), on a free port, with the test's
 * servers and database, so that a test can kill -9 it and start it again with other settings. Its
 * directory (pid, log) lives in the test run's, which removes whatever is left of it when the test
 * JVM exits. Needs the module packaged: run it from an IT (failsafe, after {@code package}).
 */
public final class ServiceUnderTest {

    private final ServiceProcess process;
    private final Map<String, String> environment;
    private int starts;

    /**
     * @param component a topology service ({@code order-service}, {@code order-processor}, {@code ingestion-sink}...)
     * @param name its directory's name, unique in the test run
     * @param environment the test's settings (topics, groups, design switches) on top of the topology's
     */
    public ServiceUnderTest(TestInfrastructure infra, String component, String name, Map<String, String> environment) {
        var spec = Topology.service(component).orElseThrow().database(infra.database());
        var runDir = infra.infrastructure() instanceof LocalInfrastructure local
                ? local.run().path()
                : Path.of(System.getProperty("java.io.tmpdir"));
        this.process = new ServiceProcess(spec, runDir.resolve(name), "127.0.0.1", false);
        this.process.allocatePort();
        this.environment = new LinkedHashMap<>(spec.environment(infra.endpoints(), process.port(), other -> {
            throw new IllegalArgumentException(component + " under test needs " + other + ", which is not started here");
        }));
        this.environment.putAll(environment);
    }

    /** Starts it with {@code settings} on top of its environment (crash points, say); does not wait. */
    public void start(Map<String, String> settings) {
        var merged = new LinkedHashMap<>(environment);
        merged.putAll(settings);
        process.start(ProjectRoot.path(), merged);
        starts++;
    }

    public ServiceUnderTest startAndAwaitReady(Map<String, String> settings) {
        start(settings);
        awaitReady();
        return this;
    }

    /** Waits up to 2 minutes for its readiness endpoint; fails at once if the process died. */
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
