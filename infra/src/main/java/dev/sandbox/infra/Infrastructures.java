package dev.sandbox.infra;

import java.util.Locale;

import org.testcontainers.DockerClientFactory;

import dev.sandbox.infra.containers.ContainerInfrastructure;
import dev.sandbox.infra.local.LocalInfrastructure;
import dev.sandbox.infra.local.RunDirectory;

/**
 * Chooses how the infrastructure runs, from {@code SANDBOX_INFRA}: {@code local} (processes from
 * the OS packages and Maven jars), {@code containers} (Testcontainers), or {@code auto} (the
 * default: containers when a Docker engine answers, else local).
 */
public final class Infrastructures {

    public enum Mode { LOCAL, CONTAINERS, AUTO }

    private Infrastructures() {
    }

    public static Mode configuredMode() {
        var value = System.getenv().getOrDefault("SANDBOX_INFRA", "auto");
        try {
            return Mode.valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("SANDBOX_INFRA must be local, containers or auto, not " + value);
        }
    }

    /** The mode to use now: {@code auto} resolved against this machine. */
    public static Mode effectiveMode() {
        var mode = configuredMode();
        if (mode == Mode.AUTO) {
            return dockerAvailable() ? Mode.CONTAINERS : Mode.LOCAL;
        }
        return mode;
    }

    public static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    /**
     * A new, throwaway infrastructure owned by this JVM: free ports, its own directory or containers.
     * First ends whatever a dead earlier run left behind.
     */
    public static Infrastructure throwaway(String name) {
        if (effectiveMode() == Mode.CONTAINERS) {
            return new ContainerInfrastructure();
        }
        RunDirectory.reapOrphans();
        var host = System.getenv().getOrDefault("SANDBOX_HOST", "127.0.0.1");
        return new LocalInfrastructure(RunDirectory.open(name, host, false, false));
    }
}
