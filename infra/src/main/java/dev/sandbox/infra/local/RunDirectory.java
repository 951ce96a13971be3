package dev.sandbox.infra.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * One sandbox's directory: a folder per process (data, ports, pid, log) and a {@code run.properties}
 * saying who owns it. A run is either detached (the CLI's: it outlives the command that started it)
 * or owned by a JVM (a test run): when that JVM dies without cleaning up, even by kill -9, the next
 * run to start finds the orphaned processes and stops them.
 */
public final class RunDirectory {

    private static final System.Logger LOG = System.getLogger(RunDirectory.class.getName());

    private final Path path;
    private final Properties properties;

    private RunDirectory(Path path, Properties properties) {
        this.path = path;
        this.properties = properties;
    }

    /** Where runs live: {@code SANDBOX_RUNS}, else a folder in the temp directory every server's user can reach. */
    public static Path base() {
        var configured = System.getenv("SANDBOX_RUNS");
        return configured != null && !configured.isBlank()
                ? Path.of(configured)
                : Path.of(System.getProperty("java.io.tmpdir"), "system-design-sandbox");
    }

    /** Opens the named run, creating it if needed. Owned runs belong to this JVM. */
    public static RunDirectory open(String name, String host, boolean fixedPorts, boolean detached) {
        return open(base().resolve(name), host, fixedPorts, detached);
    }

    public static RunDirectory open(Path path, String host, boolean fixedPorts, boolean detached) {
        var file = path.resolve("run.properties");
        try {
            Files.createDirectories(path);
            if (Files.exists(file)) {
                var existing = load(path);
                if (existing.isPresent()) {
                    return existing.get();
                }
            }
            var properties = new Properties();
            properties.setProperty("host", host);
            properties.setProperty("ports", fixedPorts ? "fixed" : "free");
            properties.setProperty("detached", String.valueOf(detached));
            if (!detached) {
                var self = ProcessHandle.current();
                properties.setProperty("owner.pid", String.valueOf(self.pid()));
                properties.setProperty("owner.start", String.valueOf(startMillis(self)));
            }
            try (var out = Files.newOutputStream(file)) {
                properties.store(out, "a sandbox run");
            }
            return new RunDirectory(path, properties);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create run directory " + path, e);
        }
    }

    /** The run at {@code path}, if one was created there. */
    public static Optional<RunDirectory> load(Path path) {
        var properties = new Properties();
        try (var in = Files.newInputStream(path.resolve("run.properties"))) {
            properties.load(in);
            return Optional.of(new RunDirectory(path, properties));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    public Path path() {
        return path;
    }

    public String host() {
        return properties.getProperty("host", "127.0.0.1");
    }

    public boolean fixedPorts() {
        return "fixed".equals(properties.getProperty("ports"));
    }

    public boolean detached() {
        return Boolean.parseBoolean(properties.getProperty("detached"));
    }

    /** Owned by a JVM that is gone: nobody will stop what this run started. */
    boolean orphaned() {
        if (detached()) {
            return false;
        }
        var pid = Long.parseLong(properties.getProperty("owner.pid", "-1"));
        var start = Long.parseLong(properties.getProperty("owner.start", "-1"));
        return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).map(RunDirectory::startMillis)
                .map(started -> started != start).orElse(true);
    }

    /** Every process record in this run, one per component or service directory. */
    public List<ManagedProcess> processes() {
        try (var dirs = Files.list(path)) {
            return dirs.filter(Files::isDirectory)
                    .flatMap(RunDirectory::pidFiles)
                    .map(pidFile -> new ManagedProcess(pidFile.getFileName().toString().replace(".pid", ""), pidFile.getParent()))
                    .toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    /** Kills every process of the run and deletes its directory. */
    public void destroy() {
        processes().forEach(ManagedProcess::kill);
        delete(path);
    }

    /** Finds runs whose owning JVM died (a killed test run, say) and ends what they left running. */
    public static void reapOrphans() {
        reapOrphans(base());
    }

    public static void reapOrphans(Path base) {
        if (!Files.isDirectory(base)) {
            return;
        }
        try (var runs = Files.list(base)) {
            runs.map(RunDirectory::load).flatMap(Optional::stream).filter(RunDirectory::orphaned).forEach(orphan -> {
                var alive = orphan.processes().stream().filter(ManagedProcess::isAlive).map(ManagedProcess::name).toList();
                if (!alive.isEmpty()) {
                    LOG.log(System.Logger.Level.WARNING, "stopping " + alive + " left running by a dead run in " + orphan.path);
                }
                orphan.destroy();
            });
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot look for orphaned runs in " + base + ": " + e);
        }
    }

    private static Stream<Path> pidFiles(Path dir) {
        try (var files = Files.list(dir)) {
            return files.filter(file -> file.getFileName().toString().endsWith(".pid")).toList().stream();
        } catch (IOException e) {
            return Stream.empty();
        }
    }

    private static long startMillis(ProcessHandle process) {
        return process.info().startInstant().map(Instant::toEpochMilli).orElse(-1L);
    }

    static void delete(Path path) {
        if (!Files.exists(path)) {
            return;
        }
        try (var walk = Files.walk(path)) {
            walk.sorted(Comparator.reverseOrder()).forEach(file -> {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException e) {
                    // a server may still be writing its last bytes; the next reap takes the rest
                }
            });
        } catch (IOException | UncheckedIOException e) {
            LOG.log(System.Logger.Level.DEBUG, "cannot delete " + path + ": " + e);
        }
    }
}
