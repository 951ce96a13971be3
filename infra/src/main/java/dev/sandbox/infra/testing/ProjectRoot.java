package dev.sandbox.infra.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The project's root directory, for tests that run packaged jars or read the repository's files:
 * {@code -Dsandbox.root} when the build sets it, else the nearest directory, from the working
 * directory up, that holds the {@code sandbox} script and a {@code pom.xml} (surefire and failsafe
 * run in a module's directory).
 */
public final class ProjectRoot {

    private ProjectRoot() {
    }

    public static Path path() {
        var configured = System.getProperty("sandbox.root");
        if (configured != null) {
            return Path.of(configured).toAbsolutePath().normalize();
        }
        for (var dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("sandbox")) && Files.isRegularFile(dir.resolve("pom.xml"))) {
                return dir;
            }
        }
        throw new IllegalStateException("no project root above " + Path.of("").toAbsolutePath() + "; set -Dsandbox.root");
    }
}
