package dev.sandbox.infra.local;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import dev.sandbox.infra.Component;
import dev.sandbox.infra.Endpoints;

/**
 * The Zipkin server, from its executable jar on Maven Central, in a JVM of its own: the trace store
 * and its UI, spans kept in memory (a sandbox's traces need not outlive it). The services send it
 * spans in Zipkin's JSON; it answers the UI and the {@code /api/v2} query API on the same port.
 */
final class ZipkinServer extends LocalServer {

    ZipkinServer(Path dir, String host, boolean fixedClientPort) {
        super(Component.ZIPKIN, dir, host, fixedClientPort, Set.of());
    }

    @Override
    public Component component() {
        return Component.ZIPKIN;
    }

    @Override
    public Endpoints.Zipkin endpoint() {
        return new Endpoints.Zipkin(host, clientPort());
    }

    /** A Spring Boot server from a 131 MB jar: ready in 4-10 s alone, far later on a machine busy with builds. */
    @Override
    protected Duration startTimeout() {
        return Duration.ofSeconds(120);
    }

    @Override
    protected List<String> command() {
        return List.of(Os.java(), "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Djava.io.tmpdir=" + dir,
                "-jar", Os.mavenClasspath("/zipkin-server.classpath", "Zipkin"),
                // Bound to the sandbox's address only: Armeria listens on every interface otherwise.
                "--armeria.ports[0].ip=" + host,
                "--armeria.ports[0].port=" + clientPort(),
                "--armeria.ports[0].protocols[0]=http",
                "--zipkin.storage.type=mem",
                "--zipkin.storage.mem.max-spans=50000");
    }
}
