package dev.sandbox.infra.local;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

import dev.sandbox.infra.Component;
import dev.sandbox.infra.Endpoints;
import dev.sandbox.infra.Infrastructure;
import dev.sandbox.infra.ReadinessProbe;

/** The infrastructure as local processes, one {@link LocalServer} per component, in one {@link RunDirectory}. */
public final class LocalInfrastructure implements Infrastructure {

    private final RunDirectory run;
    private final Map<Component, LocalServer> servers = new EnumMap<>(Component.class);
    private Consumer<String> progress = message -> { };

    public LocalInfrastructure(RunDirectory run) {
        this.run = run;
        // Components started earlier in this run (by this JVM or another) are known by their directories.
        for (var component : Component.values()) {
            if (Files.exists(dir(component).resolve("ports.properties"))) {
                server(component);
            }
        }
    }

    /** Where to report what is being waited for (the CLI prints it). */
    public LocalInfrastructure onProgress(Consumer<String> progress) {
        this.progress = progress;
        return this;
    }

    public RunDirectory run() {
        return run;
    }

    @Override
    public synchronized void start(Set<Component> components) {
        var launched = components.stream().map(this::server).filter(server -> !server.process().isAlive()).toList();
        launched.forEach(server -> {
            progress.accept("starting " + server.component().id());
            server.launch(run.detached());
        });
        awaitReady(launched);
    }

    private void awaitReady(List<LocalServer> launched) {
        var endpoints = endpoints();
        Parallel.forEach(launched, server -> {
            var began = System.nanoTime();
            ReadinessProbe.awaitReady(server.component(), endpoints, server.startTimeout(), server.process()::requireAlive);
            progress.accept(server.component().id() + " ready in " + Duration.ofNanos(System.nanoTime() - began).toMillis() + " ms");
        });
    }

    @Override
    public synchronized Endpoints endpoints() {
        var endpoints = new HashMap<Component, Endpoints.Endpoint>();
        servers.forEach((component, server) -> endpoints.put(component, server.endpoint()));
        return Endpoints.of(endpoints);
    }

    @Override
    public boolean isReady(Component component) {
        return servers.containsKey(component) && ReadinessProbe.isReady(component, endpoints());
    }

    @Override
    public void kill(Component component) {
        started(component).process().kill();
    }

    @Override
    public void restart(Component component) {
        var server = started(component);
        server.stop();
        start(Set.of(component));
    }

    @Override
    public void pause(Component component) {
        started(component).process().pause();
    }

    @Override
    public void resume(Component component) {
        started(component).process().resume();
    }

    /** Stops one component cleanly; its data stays for a later start. */
    public void stop(Component component) {
        started(component).stop();
    }

    /** Prometheus scrapes {@code service} at {@code address} (host:port) from now on, whenever it runs. */
    public void scrape(String service, String address) {
        PrometheusServer.writeTarget(dir(Component.PROMETHEUS), service, address);
    }

    /** The server behind a component, whether it runs or not. */
    public synchronized LocalServer server(Component component) {
        return servers.computeIfAbsent(component, c -> LocalServer.of(c, dir(c), run.host(), run.fixedPorts()));
    }

    public synchronized Map<Component, LocalServer> servers() {
        return Map.copyOf(servers);
    }

    private synchronized LocalServer started(Component component) {
        var server = servers.get(component);
        if (server == null) {
            throw new IllegalStateException(component.id() + " was never started in " + run.path());
        }
        return server;
    }

    /** Stops every component cleanly, all at once. */
    @Override
    public void close() {
        Parallel.forEach(servers().values(), LocalServer::stop);
    }

    private Path dir(Component component) {
        return run.path().resolve(component.id());
    }
}
