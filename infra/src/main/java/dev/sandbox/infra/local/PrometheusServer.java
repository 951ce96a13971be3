package dev.sandbox.infra.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import dev.sandbox.infra.Component;
import dev.sandbox.infra.Endpoints;

/**
 * Prometheus from the OS package, scraping every service's {@code /q/metrics} every 5 s. Which
 * services there are is not known when it starts (they get their ports later), so it discovers
 * them from files: one JSON file per service in {@code targets/}, written when the service starts
 * ({@link #writeTarget}) and re-read by Prometheus on its own. It serves the dashboards too: the
 * console templates of {@code deploy/observability} (one page per service, and an overview), at
 * {@code /consoles/overview.html}.
 */
final class PrometheusServer extends LocalServer {

    PrometheusServer(Path dir, String host, boolean fixedClientPort) {
        super(Component.PROMETHEUS, dir, host, fixedClientPort, Set.of());
    }

    @Override
    public Component component() {
        return Component.PROMETHEUS;
    }

    @Override
    public Endpoints.Prometheus endpoint() {
        return new Endpoints.Prometheus(host, clientPort());
    }

    @Override
    protected void prepare() throws IOException {
        Files.createDirectories(path("targets"));
        Files.createDirectories(path("data"));
        Files.writeString(path("prometheus.yml"), """
                global:
                  scrape_interval: 5s
                  evaluation_interval: 5s
                scrape_configs:
                  - job_name: sandbox
                    metrics_path: /q/metrics
                    file_sd_configs:
                      - files: ['%s/*.json']
                        refresh_interval: 5s
                """.formatted(path("targets")));
    }

    /** The dashboards, checked into the project: the same files Compose and Kubernetes mount. */
    static final Path DASHBOARDS = Path.of("deploy", "observability");

    @Override
    protected List<String> command() {
        var command = new ArrayList<>(List.of(Os.executable("prometheus", "prometheus", Path.of("/usr/bin/prometheus")).toString(),
                "--config.file=" + path("prometheus.yml"),
                "--storage.tsdb.path=" + path("data"),
                "--storage.tsdb.retention.time=1d",
                "--web.listen-address=" + host + ":" + clientPort()));
        var dashboards = Path.of(System.getProperty("sandbox.root", ".")).toAbsolutePath().resolve(DASHBOARDS);
        if (Files.isDirectory(dashboards.resolve("consoles"))) {
            command.add("--web.console.templates=" + dashboards.resolve("consoles"));
            command.add("--web.console.libraries=" + dashboards.resolve("console_libraries"));
        }
        return command;
    }

    /** Tells Prometheus to scrape {@code service} at {@code address} (host:port), labelled with its name. */
    static void writeTarget(Path dir, String service, String address) {
        try {
            var targets = dir.resolve("targets");
            Files.createDirectories(targets);
            var file = targets.resolve(service + ".json");
            var temporary = targets.resolve(service + ".json.tmp");
            // Written whole, then renamed: Prometheus never reads half a file.
            Files.writeString(temporary, """
                    [{"targets": ["%s"], "labels": {"service": "%s"}}]
                    """.formatted(address, service));
            Files.move(temporary, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
