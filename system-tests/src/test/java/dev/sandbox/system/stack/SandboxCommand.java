package dev.sandbox.system.stack;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.sandbox.infra.testing.ProjectRoot;

/**
 * {@code ./sandbox} run as a user runs it, for one named run ({@code SANDBOX_RUN}), so that a test's
 * sandbox never meets one someone is running on this machine. The reactor has just built every
 * module, so the script is told not to start a second Maven build.
 */
public final class SandboxCommand {

    public static final Path ROOT = ProjectRoot.path();

    /** What a command printed (stdout and stderr together) and how it ended. */
    public record Result(int exitCode, String output) {
    }

    private final String run;
    private final Map<String, String> environment;

    /** @param environment added to (or, with a {@code null} value, removed from) this JVM's environment */
    public SandboxCommand(String run, Map<String, String> environment) {
        this.run = run;
        this.environment = new LinkedHashMap<>(environment);
    }

    public String run() {
        return run;
    }

    /** The environment a child process (k6, an experiment) needs to reach this run with {@code ./sandbox}. */
    public Map<String, String> environment() {
        var all = new LinkedHashMap<>(environment);
        all.put("SANDBOX_RUN", run);
        all.put("SANDBOX_SKIP_BUILD", "1");
        return all;
    }

    /** Runs {@code ./sandbox args...}; fails (killing it and its children) if it takes over {@code timeout}. */
    public Result run(Duration timeout, String... args) throws IOException, InterruptedException {
        var command = new ArrayList<String>();
        command.add(ROOT.resolve("sandbox").toString());
        command.addAll(List.of(args));
        return exec(timeout, command);
    }

    /** Runs any command from the project root with this run's environment. */
    public Result exec(Duration timeout, List<String> command) throws IOException, InterruptedException {
        var log = Files.createTempFile("sandbox-command", ".log");
        try {
            var builder = new ProcessBuilder(command).directory(ROOT.toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            environment().forEach((key, value) -> {
                if (value == null) {
                    builder.environment().remove(key);
                } else {
                    builder.environment().put(key, value);
                }
            });
            var process = builder.start();
            if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                throw new AssertionError(String.join(" ", command) + " took over " + timeout + ":\n" + Files.readString(log));
            }
            return new Result(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(log);
        }
    }
}
