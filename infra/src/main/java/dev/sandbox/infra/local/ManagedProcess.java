package dev.sandbox.infra.local;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * An OS process the sandbox started, remembered on disk by its pid and start time, so that any
 * later JVM (the next {@code ./sandbox} command, or the next test run reaping orphans) can find and
 * signal it, and a recycled pid is never mistaken for it. Signals go to the whole process tree:
 * PostgreSQL's backends and RabbitMQ's Erlang VM die or freeze with their parent, as they would
 * with their host.
 */
public final class ManagedProcess {

    private final String name;
    private final Path pidFile;
    private final Path logFile;

    public ManagedProcess(String name, Path dir) {
        this.name = name;
        this.pidFile = dir.resolve(name + ".pid");
        this.logFile = dir.resolve(name + ".log");
    }

    public String name() {
        return name;
    }

    public Path log() {
        return logFile;
    }

    /**
     * Starts {@code command}, output appended to {@link #log()}. A detached process gets a session of
     * its own ({@code setsid}), so it outlives the command that started it and a Ctrl-C in that
     * terminal; an attached one stays in the caller's process group and dies with a Ctrl-C of it.
     */
    public void start(List<String> command, Map<String, String> environment, Path workDir, boolean detached) {
        if (isAlive()) {
            throw new IllegalStateException(name + " is already running as pid " + pid().orElseThrow());
        }
        var fullCommand = new ArrayList<String>();
        if (detached) {
            fullCommand.add("setsid");
        }
        fullCommand.addAll(command);
        try {
            Files.createDirectories(logFile.getParent());
            Files.writeString(logFile, "---- " + Instant.now() + " " + String.join(" ", fullCommand) + "\n",
                    StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            var builder = new ProcessBuilder(fullCommand)
                    .directory(workDir.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                    .redirectErrorStream(true);
            builder.environment().putAll(environment);
            var process = builder.start();
            var started = process.info().startInstant().orElseThrow();
            Files.writeString(pidFile, process.pid() + " " + started.toEpochMilli() + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name + ": " + e.getMessage(), e);
        }
    }

    /** The live process this record names; empty if it exited or its pid now belongs to someone else. */
    public Optional<ProcessHandle> handle() {
        if (!Files.exists(pidFile)) {
            return Optional.empty();
        }
        try {
            var fields = Files.readString(pidFile).trim().split(" ");
            var pid = Long.parseLong(fields[0]);
            var started = Long.parseLong(fields[1]);
            return ProcessHandle.of(pid)
                    .filter(ProcessHandle::isAlive)
                    .filter(handle -> handle.info().startInstant().map(Instant::toEpochMilli).orElse(-1L) == started);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    public Optional<Long> pid() {
        return handle().map(ProcessHandle::pid);
    }

    public boolean isAlive() {
        return handle().isPresent();
    }

    /** Fails with the end of the log if the process is gone: waiting for its readiness would be pointless. */
    public void requireAlive() {
        if (!isAlive()) {
            throw new IllegalStateException(name + " exited; last lines of " + logFile + ":\n" + tail(20));
        }
    }

    /** Asks the process to stop with {@code signal}; SIGKILL for the whole tree if it has not after {@code grace}. */
    public void stop(Signal signal, Duration grace) {
        var root = handle();
        if (root.isEmpty()) {
            return;
        }
        var tree = tree(root.get());
        Signal.send(signal, List.of(root.get()));
        try {
            root.get().onExit().get(grace.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception timedOutOrInterrupted) {
            // fall through: what is still alive is killed below
        }
        // Children that outlive their parent (an epmd, a backend) are orphans now: end them too.
        Signal.send(Signal.KILL, tree.stream().filter(ProcessHandle::isAlive).toList());
        awaitExit(tree);
    }

    /** SIGKILL to the process and all its descendants, as when its host dies. */
    public void kill() {
        handle().ifPresent(root -> {
            var tree = tree(root);
            Signal.send(Signal.KILL, tree);
            awaitExit(tree);
        });
    }

    public void pause() {
        handle().ifPresent(root -> Signal.send(Signal.STOP, tree(root)));
    }

    public void resume() {
        handle().ifPresent(root -> Signal.send(Signal.CONT, tree(root)));
    }

    /** Resident memory of the whole process tree, from /proc. */
    public long rssBytes() {
        return handle().map(root -> tree(root).stream().mapToLong(ManagedProcess::rssBytes).sum()).orElse(0L);
    }

    public String tail(int lines) {
        try (var all = Files.lines(logFile, StandardCharsets.UTF_8)) {
            var list = all.toList();
            return String.join("\n", list.subList(Math.max(0, list.size() - lines), list.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(no log)";
        }
    }

    private static List<ProcessHandle> tree(ProcessHandle root) {
        return Stream.concat(Stream.of(root), root.descendants()).toList();
    }

    private static void awaitExit(List<ProcessHandle> processes) {
        for (var process : processes) {
            try {
                process.onExit().get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IllegalStateException("process " + process.pid() + " did not exit after SIGKILL", e);
            }
        }
    }

    private static long rssBytes(ProcessHandle process) {
        try (var lines = Files.lines(Path.of("/proc", String.valueOf(process.pid()), "status"))) {
            return lines.filter(line -> line.startsWith("VmRSS:"))
                    .mapToLong(line -> Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024)
                    .findFirst().orElse(0);
        } catch (IOException | UncheckedIOException e) {
            return 0;
        }
    }
}
