package dev.sandbox.infra.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.sandbox.infra.local.ManagedProcess;
import dev.sandbox.infra.local.Ports;

/**
 * A service's fast-jar run as a process of the sandbox, in a directory of its own (pid, log, temp
 * files: Quarkus writes its caches under {@code java.io.tmpdir}). Ready when its own readiness
 * endpoint says so, which checks the service's dependencies.
 */
public final class ServiceProcess {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    private final ServiceSpec spec;
    private final Path dir;
    private final String host;
    private final boolean fixedPort;
    private final ManagedProcess process;

    public ServiceProcess(ServiceSpec spec, Path dir, String host, boolean fixedPort) {
        this.spec = spec;
        this.dir = dir;
        this.host = host;
        this.fixedPort = fixedPort;
        this.process = new ManagedProcess(spec.name(), dir);
    }

    public ServiceSpec spec() {
        return spec;
    }

    public ManagedProcess process() {
        return process;
    }

    /** Started once: its port, kept for restarts. */
    public boolean everStarted() {
        return Files.exists(portsFile());
    }

    /** The port it listens on: the design's port, or with free ports the one chosen at its first start. */
    public int port() {
        if (everStarted()) {
            return Ports.load(portsFile()).get("http");
        }
        if (!fixedPort) {
            throw new IllegalStateException(spec.name() + " has no port before its first start");
        }
        return spec.port();
    }

    public String url() {
        return "http://" + host + ":" + port();
    }

    private Path portsFile() {
        return dir.resolve("ports.properties");
    }

    /** Where the service may leave lines for the person who started it (SANDBOX_NOTES_FILE): shown when {@code up} ends. */
    public Path notesFile() {
        return dir.resolve("notes.txt");
    }

    /** The service's notes, if it wrote any. */
    public List<String> notes() {
        try {
            return Files.exists(notesFile()) ? Files.readAllLines(notesFile()) : List.of();
        } catch (IOException e) {
            return List.of();
        }
    }

    /**
     * The design switches this service was last restarted with ({@code ./sandbox restart <service>
     * --set KEY=VALUE}), on top of its topology environment. Kept in its directory, so that a later
     * plain restart (after a kill, say) comes back with the same design, until {@code --defaults}.
     */
    public Map<String, String> settings() {
        var file = settingsFile();
        if (!Files.exists(file)) {
            return Map.of();
        }
        var properties = new java.util.Properties();
        try (var in = Files.newBufferedReader(file)) {
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        var settings = new java.util.TreeMap<String, String>();
        properties.forEach((key, value) -> settings.put((String) key, (String) value));
        return settings;
    }

    /** Replaces the settings; an empty map brings the service back to its defaults. */
    public void settings(Map<String, String> settings) {
        try {
            Files.createDirectories(dir);
            if (settings.isEmpty()) {
                Files.deleteIfExists(settingsFile());
                return;
            }
            var properties = new java.util.Properties();
            properties.putAll(settings);
            try (var out = Files.newBufferedWriter(settingsFile())) {
                properties.store(out, "design switches of " + spec.name() + " (./sandbox restart " + spec.name() + " --set)");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Path settingsFile() {
        return dir.resolve("settings.properties");
    }

    /** Chooses the port (the design's, which must be free, or any free one) unless chosen before. */
    public void allocatePort() {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Ports.loadOrAllocate(portsFile(), host,
                fixedPort ? Map.of("http", spec.port()) : Map.of(),
                fixedPort ? Set.of() : Set.of("http"));
    }

    public static Path jar(Path root, ServiceSpec spec) {
        return root.resolve(spec.module()).resolve("target/quarkus-app/quarkus-run.jar");
    }

    /** Heap and collector of every service: small, the sandbox runs many JVMs on a few cores. */
    private static final String DEFAULT_JVM_OPTIONS = "-Xms64m -Xmx384m -XX:+UseSerialGC";
    /**
     * Processes that differ ({@code SANDBOX_JVM_OPTIONS}, in the service's settings or in the sandbox's
     * own environment, replaces them for every service: a benchmark's A/B of JVM options). The chat
     * nodes compile with C1 only: on two cores C2's compile bursts competed with the message path
     * for minutes after start (docs/chat.md, "Measured"). The ingestion API gets a young
     * generation of 64 MB: in the default's 17 MB of eden, records waiting for Kafka's answer outlived
     * a young collection twenty times a second, filled the old generation with garbage (RSS up by
     * 56-97 MB over a 1 GB upload) and paused the service 8.7 % of the time; with 64 MB, 8 MB and
     * 3.4 % (docs/ingestion.md, "Memory"). rag-service compiles with C1 only too: C2 took 13 to 16 % of
     * its CPU in a timed ingest after a warm-up, more than its ingest workers (docs/rag.md, "Measured").
     */
    private static final Map<String, String> JVM_OPTIONS = Map.of(
            "chat-service", DEFAULT_JVM_OPTIONS + " -XX:TieredStopAtLevel=1",
            "chat-service-2", DEFAULT_JVM_OPTIONS + " -XX:TieredStopAtLevel=1",
            "ingestion-service", "-Xms128m -Xmx384m -Xmn64m -XX:+UseSerialGC",
            "rag-service", DEFAULT_JVM_OPTIONS + " -XX:TieredStopAtLevel=1");

    /** Starts the jar; {@code environment} must hold the service's own port (see {@link #allocatePort()}). */
    public void start(Path root, Map<String, String> environment) {
        var jar = jar(root, spec);
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar + " is missing: build with ./mvnw package -DskipTests");
        }
        try {
            Files.createDirectories(dir.resolve("tmp"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        var java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        var command = new ArrayList<String>(List.of(java));
        var options = environment.getOrDefault("SANDBOX_JVM_OPTIONS", System.getenv().getOrDefault("SANDBOX_JVM_OPTIONS",
                JVM_OPTIONS.getOrDefault(spec.name(), DEFAULT_JVM_OPTIONS)));
        command.addAll(List.of(options.trim().split("\\s+")));
        command.addAll(List.of("-Djava.io.tmpdir=" + dir.resolve("tmp"), "-jar", jar.toString()));
        process.start(command, environment, root, true);
    }

    /** Asks for a graceful shutdown (readiness flips, in-flight work finishes), SIGKILL after 30 s. */
    public void stop() {
        process.stop(dev.sandbox.infra.local.Signal.TERM, Duration.ofSeconds(30));
    }

    public boolean isReady() {
        try {
            var request = HttpRequest.newBuilder(URI.create(url() + "/q/health/ready")).timeout(Duration.ofSeconds(3)).build();
            return HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
