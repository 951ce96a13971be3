package dev.sandbox.system.stack;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * The whole sandbox, every component of the topology, started once per test JVM by
 * {@code ./sandbox up --free-ports} under a run name of its own, and stopped by {@code ./sandbox down}
 * when the last test of the JVM is done. Tests that need the running stack (traces read back from
 * the trace store, dashboards, k6 scripts, experiments) share it:
 *
 * <pre>{@code
 * @ExtendWith(RunningSandbox.Extension.class)
 * class TraceTreeIT {
 *     @Test
 *     void anOrderIsOneTrace(RunningSandbox sandbox) { ... sandbox.url("gateway") ... }
 * }
 * }</pre>
 *
 * A test may break a component ({@code sandbox.command().run(timeout, "kill", "kafka")}); it must
 * leave the stack healthy again, as an experiment's rollbacks do.
 */
public final class RunningSandbox implements AutoCloseable {

    /** A status row: component, pid, port, ready, RSS ("123 MB"), address. */
    private static final Pattern ROW = Pattern.compile("(?m)^(\\S+) +(\\d+|-) +(\\d+) +(yes|no|down) +\\d+ MB +(\\S+)");

    private final SandboxCommand command;
    private final Map<String, String> addresses = new LinkedHashMap<>();

    /** Gives a test method or constructor the one running sandbox of the JVM, starting it on first use. */
    public static final class Extension implements ParameterResolver {

        @Override
        public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
            return parameter.getParameter().getType() == RunningSandbox.class;
        }

        @Override
        public RunningSandbox resolveParameter(ParameterContext parameter, ExtensionContext context) {
            // The root store outlives every test class of the JVM and closes what it holds at the end.
            return context.getRoot().getStore(ExtensionContext.Namespace.create(RunningSandbox.class))
                    .computeIfAbsent("stack", key -> new RunningSandbox().up(), RunningSandbox.class);
        }
    }

    private RunningSandbox() {
        this.command = new SandboxCommand("stack-" + UUID.randomUUID().toString().substring(0, 8), Map.of());
    }

    private RunningSandbox up() {
        try {
            var up = command.run(Duration.ofMinutes(5), "up", "--free-ports");
            if (up.exitCode() != 0) {
                command.run(Duration.ofMinutes(2), "down");
                throw new IllegalStateException("./sandbox up failed:\n" + up.output());
            }
            readAddresses();
            return this;
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the sandbox", e);
        }
    }

    private void readAddresses() throws Exception {
        var status = command.run(Duration.ofMinutes(1), "status");
        var rows = ROW.matcher(status.output());
        while (rows.find()) {
            addresses.put(rows.group(1), rows.group(5));
        }
    }

    /** Runs {@code ./sandbox} commands (kill, restart, status...) against this run. */
    public SandboxCommand command() {
        return command;
    }

    /** A component's address as status prints it: a service's base URL, Zipkin's or Prometheus' URL, a broker's host:port. */
    public String url(String component) {
        var address = addresses.get(component);
        if (address == null) {
            throw new IllegalArgumentException("no component " + component + " in " + addresses.keySet());
        }
        return address;
    }

    /** The environment a child process needs to reach this run with {@code ./sandbox}. */
    public Map<String, String> environment() {
        return command.environment();
    }

    @Override
    public void close() throws Exception {
        command.run(Duration.ofMinutes(2), "down");
    }
}
