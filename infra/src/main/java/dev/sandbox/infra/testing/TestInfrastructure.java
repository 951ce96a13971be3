package dev.sandbox.infra.testing;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.UUID;

import org.awaitility.Awaitility;
import org.awaitility.core.ThrowingRunnable;
import org.eclipse.microprofile.config.ConfigProvider;

import dev.sandbox.infra.Component;
import dev.sandbox.infra.Endpoints;
import dev.sandbox.infra.Infrastructure;
import dev.sandbox.infra.local.LocalInfrastructure;

/**
 * What a test sees of the shared infrastructure: the endpoints, a run id of its own to make names
 * unique (topics, queues, Redis keys; the database is made unique for it already), and the faults.
 */
public record TestInfrastructure(Infrastructure infrastructure, String runId) {

    /** Config key under which {@link WithInfrastructure} hands each test class its run id. */
    public static final String RUN_ID = "sandbox.test.run-id";

    /** For a {@code @QuarkusTest} annotated with {@link WithInfrastructure}: the run id of its application. */
    public static TestInfrastructure current() {
        return new TestInfrastructure(SharedInfrastructure.get(),
                ConfigProvider.getConfig().getValue(RUN_ID, String.class));
    }

    /** For plain JUnit tests: the shared servers, with {@code components} started, and a fresh run id. */
    public static TestInfrastructure with(Component... components) {
        var infrastructure = SharedInfrastructure.get();
        infrastructure.start(Set.of(components));
        return new TestInfrastructure(infrastructure, newRunId());
    }

    static String newRunId() {
        return UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }

    public Endpoints endpoints() {
        return infrastructure.endpoints();
    }

    /** {@code name} made unique to this test run: {@code orders.v1} becomes {@code orders.v1-3f2a...}. */
    public String unique(String name) {
        return name + "-" + runId;
    }

    /**
     * Where the test's own processes keep their files: the local servers' run directory, removed
     * when the test JVM exits (the temporary directory under Testcontainers).
     */
    public Path directory() {
        return infrastructure instanceof LocalInfrastructure local ? local.run().path() : Path.of(System.getProperty("java.io.tmpdir"));
    }

    /** A database of this run's own, created on first use. */
    public String database() {
        var name = "t_" + runId;
        endpoints().postgres().createDatabase(name);
        return name;
    }

    /**
     * An outage of {@code component}: kills it, waits until {@code whileDown} holds, restarts it, and
     * waits until {@code afterRestart} holds. Each wait has a deadline; the component is restarted
     * even when the first wait fails, so the next test finds it up.
     */
    public void outage(Component component, ThrowingRunnable whileDown, ThrowingRunnable afterRestart) {
        kill(component);
        try {
            Awaitility.await(component.id() + " down").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                    .untilAsserted(whileDown);
        } finally {
            restart(component);
        }
        Awaitility.await(component.id() + " back").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .untilAsserted(afterRestart);
    }

    public void kill(Component component) {
        infrastructure.kill(component);
    }

    public void restart(Component component) {
        infrastructure.restart(component);
    }

    public void pause(Component component) {
        infrastructure.pause(component);
    }

    public void resume(Component component) {
        infrastructure.resume(component);
    }
}
