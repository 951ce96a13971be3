package dev.sandbox.infra.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

import dev.sandbox.infra.Component;
import dev.sandbox.infra.Endpoints;
import dev.sandbox.infra.local.LocalInfrastructure;
import dev.sandbox.infra.local.ManagedProcess;
import dev.sandbox.infra.local.Parallel;
import dev.sandbox.infra.local.RunDirectory;

/**
 * The running sandbox: the infrastructure and the services of one run directory. Every
 * {@code ./sandbox} command builds one from the directory, acts, and exits; the processes live on.
 */
public final class Sandbox {

    private static final Duration SERVICE_START_TIMEOUT = Duration.ofSeconds(180);

    private final Path root;
    private final RunDirectory run;
    private final LocalInfrastructure infrastructure;
    private final Map<String, ServiceProcess> services = new LinkedHashMap<>();

    public Sandbox(Path root, RunDirectory run) {
        this.root = root;
        this.run = run;
        this.infrastructure = new LocalInfrastructure(run);
        for (var spec : Topology.SERVICES) {
            services.put(spec.name(), new ServiceProcess(spec, run.path().resolve(spec.name()), run.host(), run.fixedPorts()));
        }
    }

    public RunDirectory run() {
        return run;
    }

    public LocalInfrastructure infrastructure() {
        return infrastructure;
    }

    public List<ServiceProcess> services() {
        return List.copyOf(services.values());
    }

    public Optional<ServiceProcess> service(String name) {
        return Optional.ofNullable(services.get(name));
    }

    /**
     * Starts what is not running among {@code selected} and the infrastructure they need, then waits
     * for each to be ready, reporting progress. Running processes are left alone: up twice is harmless.
     */
    public void up(List<ServiceProcess> selected, Consumer<String> progress) {
        var needs = Topology.needs(selected.stream().map(ServiceProcess::spec).toList());
        if (observability()) {
            needs.addAll(Topology.OBSERVABILITY);
        }
        infrastructure.onProgress(progress).start(needs);
        selected.stream().map(service -> service.spec().database()).filter(Objects::nonNull).distinct()
                .forEach(database -> infrastructure.endpoints().postgres().createDatabase(database));

        var starting = selected.stream().filter(service -> !service.process().isAlive()).toList();
        starting.forEach(ServiceProcess::allocatePort);
        for (var service : starting) {
            progress.accept("starting " + service.spec().name());
            service.start(root, environment(service));
        }
        awaitReady(starting, progress);
        selected.forEach(service -> infrastructure.scrape(service.spec().name(), run.host() + ":" + service.port()));
    }

    /** A lean run ({@code SANDBOX_OBSERVABILITY=off}) starts no trace store and no Prometheus: about 250 MB less. */
    static boolean observability() {
        return !"off".equalsIgnoreCase(System.getenv().getOrDefault("SANDBOX_OBSERVABILITY", "on"));
    }

    /** What a service process gets: the addresses of what it needs, its port, and its own settings. */
    public Map<String, String> environment(ServiceProcess service) {
        var environment = new LinkedHashMap<>(service.spec().environment(infrastructure.endpoints(), service.port(), this::urlOf));
        // Where the service may leave lines for `up` to show (the gateway's demo API key): local runs only.
        environment.put("SANDBOX_NOTES_FILE", service.notesFile().toString());
        // Spans name the process that made them (order-processor, ingestion-sink, chat-service-2),
        // not the module it runs: a trace then shows which process did what.
        environment.put("QUARKUS_OTEL_SERVICE_NAME", service.spec().name());
        environment.putAll(service.settings());
        return environment;
    }

    /** A referenced service that is not started yet gets its port now, and keeps it when it starts. */
    private String urlOf(String name) {
        var referenced = services.get(name);
        if (!run.fixedPorts()) {
            referenced.allocatePort();
        }
        return referenced.url();
    }

    private void awaitReady(List<ServiceProcess> starting, Consumer<String> progress) {
        var began = System.nanoTime();
        var pending = new ArrayList<>(starting);
        long lastReport = 0;
        while (!pending.isEmpty()) {
            for (var service : List.copyOf(pending)) {
                service.process().requireAlive();
                if (service.isReady()) {
                    pending.remove(service);
                    progress.accept(service.spec().name() + " ready in " + Duration.ofNanos(System.nanoTime() - began).toMillis() + " ms");
                }
            }
            var elapsed = Duration.ofNanos(System.nanoTime() - began);
            if (elapsed.compareTo(SERVICE_START_TIMEOUT) > 0) {
                throw new IllegalStateException("not ready after " + SERVICE_START_TIMEOUT.toSeconds() + " s: "
                        + pending.stream().map(s -> s.spec().name() + " (log: " + s.process().log() + ")").toList());
            }
            if (!pending.isEmpty() && elapsed.toSeconds() >= lastReport + 5) {
                lastReport = elapsed.toSeconds();
                progress.accept("waiting for " + pending.stream().map(s -> s.spec().name()).toList() + " (" + lastReport + " s)");
            }
            sleep(250);
        }
    }

    /** Stops the services (gracefully, all at once), then the infrastructure, then deletes the run. */
    public void down(Consumer<String> progress) {
        var running = services.values().stream().filter(service -> service.process().isAlive()).toList();
        if (!running.isEmpty()) {
            progress.accept("stopping " + running.stream().map(s -> s.spec().name()).toList());
        }
        Parallel.forEach(running, ServiceProcess::stop);
        var infra = infrastructure.servers().values().stream().filter(server -> server.process().isAlive()).toList();
        if (!infra.isEmpty()) {
            progress.accept("stopping " + infra.stream().map(server -> server.component().id()).toList());
        }
        infrastructure.close();
        // Anything still alive (a process started by hand in the run, say) goes too.
        run.destroy();
    }

    /** A component by its command-line name: an infrastructure server or a service. */
    public ManagedProcess process(String name) {
        var service = services.get(name);
        if (service != null) {
            return service.process();
        }
        return infrastructure.server(component(name)).process();
    }

    public static Component component(String name) {
        try {
            return Component.of(name);
        } catch (IllegalArgumentException e) {
            var names = new ArrayList<String>();
            for (var component : Component.values()) {
                names.add(component.id());
            }
            Topology.SERVICES.forEach(service -> names.add(service.name()));
            throw new IllegalArgumentException("no component named " + name + "; components: " + String.join(", ", names));
        }
    }

    public void restart(String name, Consumer<String> progress) {
        var service = services.get(name);
        if (service == null) {
            infrastructure.onProgress(progress).restart(component(name));
            return;
        }
        service.stop();
        up(List.of(service), progress);
    }

    /** The endpoints of running infrastructure, for status: each component's address. */
    public Map<Component, Endpoints.Endpoint> infrastructureEndpoints() {
        return new HashMap<>(infrastructure.endpoints().byComponent());
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
