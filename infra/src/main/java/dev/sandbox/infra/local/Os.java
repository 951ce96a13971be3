package dev.sandbox.infra.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/** The few facts about the host that starting servers from OS packages depends on. */
final class Os {

    /** Debian/Ubuntu packages that provide the servers; ./sandbox installs them when missing. */
    static final String PACKAGES = "redis-server postgresql rabbitmq-server";

    private Os() {
    }

    static boolean isRoot() {
        try (var lines = Files.lines(Path.of("/proc/self/status"))) {
            return lines.filter(line -> line.startsWith("Uid:"))
                    .map(line -> line.split("\\s+")[1])
                    .anyMatch("0"::equals);
        } catch (IOException e) {
            return false;
        }
    }

    /** An executable found on PATH or at one of the usual places, else a message naming the package to install. */
    static Path executable(String name, String debianPackage, Path... usualPlaces) {
        var onPath = Arrays.stream(System.getenv().getOrDefault("PATH", "").split(":"))
                .filter(dir -> !dir.isBlank())
                .map(dir -> Path.of(dir, name));
        return Stream.concat(Arrays.stream(usualPlaces), onPath)
                .filter(Files::isExecutable)
                .findFirst()
                .orElseThrow(() -> missing(name, debianPackage));
    }

    /** The newest PostgreSQL server's bin directory (Debian keeps it off PATH, under /usr/lib/postgresql/N/bin). */
    static Path postgresBin() {
        var override = System.getenv("SANDBOX_POSTGRES_BIN");
        if (override != null) {
            return Path.of(override);
        }
        try (var versions = Files.list(Path.of("/usr/lib/postgresql"))) {
            Optional<Path> newest = versions
                    .filter(dir -> Files.isExecutable(dir.resolve("bin/postgres")))
                    .max(Comparator.comparingInt(dir -> parseIntOr(dir.getFileName().toString(), 0)));
            return newest.map(dir -> dir.resolve("bin")).orElseThrow(() -> missing("postgres", "postgresql"));
        } catch (IOException e) {
            return executable("postgres", "postgresql").getParent();
        }
    }

    private static int parseIntOr(String text, int fallback) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    private static IllegalStateException missing(String executable, String debianPackage) {
        return new IllegalStateException(executable + " not found; install it with: "
                + "sudo apt-get install -y " + debianPackage + "   (all of them: apt-get install -y " + PACKAGES + ")");
    }

    static void run(List<String> command, Path workDir) {
        try {
            var process = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true).start();
            var output = new String(process.getInputStream().readAllBytes());
            if (process.waitFor() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed:\n" + output);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + command.getFirst() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** The java of this JVM: servers that run from jars (Kafka, Zipkin) run on the JDK the sandbox picked. */
    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /**
     * The jars of a server that runs from Maven Central (Kafka, Zipkin), as Maven resolved them when
     * its distribution module was built: {@code resource} is the classpath file that module writes.
     */
    static String mavenClasspath(String resource, String server) {
        try (var in = Os.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource.substring(1) + " is not on the classpath: build with ./mvnw package");
            }
            var classpath = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).trim();
            var missing = Arrays.stream(classpath.split(":")).filter(jar -> !Files.exists(Path.of(jar))).toList();
            if (!missing.isEmpty()) {
                throw new IllegalStateException(server + " jars missing from the local Maven repository, e.g. "
                        + missing.getFirst() + ": rebuild with ./mvnw package");
            }
            return classpath;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
