package dev.sandbox.infra.testing;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.awaitility.Awaitility;

import dev.sandbox.infra.cli.ServiceProcess;
import dev.sandbox.infra.cli.ServiceSpec;
import dev.sandbox.infra.cli.Topology;

/**
 * A packaged service as its own OS process, started the way {@code ./sandbox} starts it (its
 * {@link Topology} entry and environment, {@link ServiceProcess}), on a free port, with the test's
 * servers (and a database of the test's own, when the topology gives the service one), so that a
 * test can kill -9 it and start it again with other settings. Its directory (pid, log) lives in
 * the test run's, which removes whatever is left of it when the test JVM exits. Needs the module
 * packaged: run it from an IT (failsafe, after {@code package}).
 *
 * <p>Only the service under test runs: a topology setting that names another service
 * ({@code {url:gateway}}) must be given a value by the test, e.g. {@link GatewayTokens#environment()}
 * in place of the gateway's key URL. Otherwise the constructor says which setting is missing.
 */
public final class ServiceUnderTest {

    private final ServiceProcess process;
    private final Map<String, String> environment;
    private int starts;

    /**
     * @param component a topology service ({@code order-service}, {@code order-processor}, {@code chat-service}...)
     * @param name its directory's name, unique in the test run
     * @param environment the test's settings (topics, groups, design switches) on top of the topology's;
     *        they replace the topology's own settings of the same name
     */
    public ServiceUnderTest(TestInfrastructure infra, String component, String name, Map<String, String> environment) {
        var spec = withoutSettingsGiven(Topology.service(component).orElseThrow(), environment);
        if (spec.database() != null) {
            spec = spec.database(infra.database());
        }
        this.process = new ServiceProcess(spec, infra.directory().resolve(name), "127.0.0.1", false);
        this.process.allocatePort();
        this.environment = new LinkedHashMap<>(spec.environment(infra.endpoints(), process.port(), other -> {
            throw new IllegalStateException("unreachable: every reference was checked");
        }));
        this.environment.putAll(environment);
    }

    /** The topology's entry without the settings the test gives; any other reference to a service is refused. */
    private static ServiceSpec withoutSettingsGiven(ServiceSpec spec, Map<String, String> given) {
        var own = new LinkedHashMap<String, String>();
        spec.environment().forEach((key, value) -> {
            if (given.containsKey(key)) {
                return;
            }
            if (value.contains("{url:")) {
                throw new IllegalArgumentException(spec.name() + " under test: " + key + "=" + value
                        + " names a service that is not started here; give " + key + " a value");
            }
            own.put(key, value);
        });
        return new ServiceSpec(spec.name(), spec.module(), spec.port(), spec.needs(), spec.database(), own);
    }

    /** Starts it with its environment; does not wait. */
    public void start() {
        start(Map.of());
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

    /** SIGKILL: no shutdown hook, nothing flushed or committed, no close frames. */
    public void kill() {
        process.process().kill();
    }

    /** SIGTERM and wait: readiness goes down, in-flight work finishes, consumers commit. Nothing if it is not running. */
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

    /** The running process' id (for jcmd, say). */
    public long pid() {
        return process.process().pid().orElseThrow();
    }

    /** Resident memory of the process and its children. */
    public long rssBytes() {
        return process.process().rssBytes();
    }

    public String logTail() {
        return logTail(40);
    }

    public String logTail(int lines) {
        return process.process().tail(lines);
    }
}
