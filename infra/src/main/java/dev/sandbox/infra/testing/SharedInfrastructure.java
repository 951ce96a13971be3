package dev.sandbox.infra.testing;

import java.nio.file.Path;
import java.util.UUID;

import dev.sandbox.infra.Infrastructure;
import dev.sandbox.infra.Infrastructures;
import dev.sandbox.infra.local.LocalInfrastructure;
import dev.sandbox.infra.local.RunDirectory;

/**
 * One infrastructure per test JVM, started on first use and ended when the JVM exits: every test
 * class shares the servers and gets names of its own on them (see {@link TestInfrastructure}).
 * The run's directory is kept in a system property, so code loaded by another class loader (Quarkus
 * loads tests in its own) attaches to the same servers instead of starting a second set.
 */
public final class SharedInfrastructure {

    private static final String RUN_PROPERTY = "sandbox.infra.run";
    private static Infrastructure instance;

    private SharedInfrastructure() {
    }

    public static synchronized Infrastructure get() {
        if (instance != null) {
            return instance;
        }
        synchronized (System.getProperties()) {
            var existing = System.getProperty(RUN_PROPERTY);
            if (existing != null) {
                instance = new LocalInfrastructure(RunDirectory.load(Path.of(existing)).orElseThrow());
                return instance;
            }
            var infrastructure = Infrastructures.throwaway("test-" + UUID.randomUUID().toString().substring(0, 8));
            if (infrastructure instanceof LocalInfrastructure local) {
                System.setProperty(RUN_PROPERTY, local.run().path().toString());
                // Throwaway data: at exit, kill rather than wait for clean shutdowns, and delete it all.
                Runtime.getRuntime().addShutdownHook(new Thread(() -> local.run().destroy(), "sandbox-infra-cleanup"));
            } else {
                Runtime.getRuntime().addShutdownHook(new Thread(infrastructure::close, "sandbox-infra-cleanup"));
            }
            instance = infrastructure;
            return instance;
        }
    }
}
