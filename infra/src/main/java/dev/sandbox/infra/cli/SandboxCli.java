package dev.sandbox.infra.cli;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.sandbox.infra.Component;
import dev.sandbox.infra.Endpoints;
import dev.sandbox.infra.local.RunDirectory;

/**
 * The Java half of {@code ./sandbox} (the script picks the JDK, installs packages and builds; this
 * starts, watches and breaks processes). Commands: up, down, status, kill, restart (with settings), pause, resume,
 * log-path, env.
 */
public final class SandboxCli {

    private final PrintStream out;
    private final Path root;

    SandboxCli(PrintStream out, Path root) {
        this.out = out;
        this.root = root;
    }

    public static void main(String[] args) {
        var root = Path.of(System.getProperty("sandbox.root", ".")).toAbsolutePath().normalize();
        try {
            System.exit(new SandboxCli(System.out, root).run(List.of(args)));
        } catch (IllegalArgumentException | IllegalStateException e) {
            System.err.println("sandbox: " + e.getMessage());
            System.exit(2);
        }
    }

    int run(List<String> args) {
        if (args.isEmpty() || args.getFirst().equals("help")) {
            out.print(Commands.help(root));
            return args.isEmpty() ? 2 : 0;
        }
        var command = args.getFirst();
        var rest = args.subList(1, args.size());
        return switch (command) {
            case "up" -> up(rest);
            case "down" -> down();
            case "status" -> status();
            case "kill", "pause", "resume" -> fault(command, single(command, rest));
            case "restart" -> restart(rest);
            case "log-path" -> {
                out.println(existing().process(single(command, rest)).log());
                yield 0;
            }
            case "env" -> env(single(command, rest));
            default -> throw new IllegalArgumentException("unknown command: " + command + "; ./sandbox help lists them");
        };
    }

    private int up(List<String> args) {
        var began = System.nanoTime();
        var freePorts = args.contains("--free-ports");
        var names = args.stream().filter(arg -> !arg.startsWith("--")).toList();
        RunDirectory.reapOrphans();
        var run = RunDirectory.open(runName(), host(), !freePorts, true);
        var sandbox = new Sandbox(root, run);
        var selected = names.isEmpty() ? sandbox.services()
                : names.stream().map(name -> sandbox.service(name)
                        .orElseThrow(() -> new IllegalArgumentException("no service named " + name))).toList();
        out.println("sandbox run directory: " + run.path());
        try {
            sandbox.up(selected, message -> out.println("  " + message));
        } catch (RuntimeException e) {
            out.println();
            printStatus(sandbox);
            throw e;
        }
        out.println();
        var total = printStatus(sandbox);
        selected.forEach(service -> service.notes().forEach(note -> out.println(note)));
        out.printf(Locale.ROOT, "%nup in %.1f s, %s resident in total. Logs: ./sandbox logs <component>; stop: ./sandbox down%n",
                Duration.ofNanos(System.nanoTime() - began).toMillis() / 1000.0, megabytes(total));
        return 0;
    }

    private int down() {
        var run = RunDirectory.load(RunDirectory.base().resolve(runName()));
        if (run.isEmpty()) {
            out.println("sandbox is not running");
            return 0;
        }
        var sandbox = new Sandbox(root, run.get());
        sandbox.down(message -> out.println("  " + message));
        out.println("sandbox stopped; nothing left running");
        return 0;
    }

    private int status() {
        var run = RunDirectory.load(RunDirectory.base().resolve(runName()));
        if (run.isEmpty()) {
            out.println("sandbox is not running (start it with ./sandbox up)");
            return 3;
        }
        var sandbox = new Sandbox(root, run.get());
        var rows = rows(sandbox);
        print(rows);
        out.println("total RSS " + megabytes(rows.stream().mapToLong(Row::rss).sum()));
        var started = rows.stream().filter(row -> row.pid != null).toList();
        return !started.isEmpty() && started.stream().allMatch(Row::ready) ? 0 : 1;
    }

    private int fault(String command, String name) {
        var sandbox = existing();
        var process = sandbox.process(name);
        if (!"restart".equals(command) && !process.isAlive()) {
            throw new IllegalStateException(name + " is not running");
        }
        switch (command) {
            case "kill" -> process.kill();
            case "pause" -> process.pause();
            case "resume" -> process.resume();
            default -> sandbox.restart(name, message -> out.println("  " + message));
        }
        out.println(name + ": " + command + (command.endsWith("e") ? "d" : "ed"));
        return 0;
    }

    /**
     * {@code restart <component> [--set KEY=VALUE...] [--defaults]}: a service restarted with
     * {@code --set} runs with those settings (design switches, crash points) on top of its own
     * environment, and keeps them through later restarts until {@code --set} again or {@code --defaults}.
     */
    private int restart(List<String> args) {
        var names = args.stream().filter(arg -> !arg.startsWith("--") && !arg.contains("=")).toList();
        var name = single("restart", names);
        var set = args.contains("--set");
        var defaults = args.contains("--defaults");
        var settings = new java.util.TreeMap<String, String>();
        for (var arg : args) {
            if (arg.contains("=") && !arg.startsWith("--")) {
                var split = arg.indexOf('=');
                if (!set || split == 0) {
                    throw new IllegalArgumentException("usage: sandbox restart <component> [--set KEY=VALUE...] [--defaults]");
                }
                settings.put(arg.substring(0, split), arg.substring(split + 1));
            }
        }
        if (set || defaults) {
            var sandbox = existing();
            var service = sandbox.service(name)
                    .orElseThrow(() -> new IllegalArgumentException("--set and --defaults are for services; " + name + " is not one"));
            service.settings(defaults ? Map.of() : settings);
            if (!service.settings().isEmpty()) {
                out.println(name + ": settings " + service.settings());
            }
        }
        return fault("restart", name);
    }

    /** The environment the named service runs with: to run it from an IDE or quarkus:dev against the sandbox. */
    private int env(String name) {
        var sandbox = existing();
        var service = sandbox.service(name).orElseThrow(() -> new IllegalArgumentException("no service named " + name));
        sandbox.environment(service).forEach((key, value) -> out.println("export " + key + "='" + value + "'"));
        return 0;
    }

    private Sandbox existing() {
        var run = RunDirectory.load(RunDirectory.base().resolve(runName()))
                .orElseThrow(() -> new IllegalStateException("sandbox is not running (start it with ./sandbox up)"));
        return new Sandbox(root, run);
    }

    record Row(String component, Long pid, String port, boolean ready, long rss, String address) {
    }

    private long printStatus(Sandbox sandbox) {
        var rows = rows(sandbox);
        print(rows);
        return rows.stream().mapToLong(Row::rss).sum();
    }

    private static List<Row> rows(Sandbox sandbox) {
        var rows = new ArrayList<Row>();
        var infrastructure = sandbox.infrastructure();
        infrastructure.servers().entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(entry -> {
            var server = entry.getValue();
            var process = server.process();
            var pid = process.pid().orElse(null);
            var ready = pid != null && infrastructure.isReady(entry.getKey());
            rows.add(new Row(entry.getKey().id(), pid, String.valueOf(server.clientPort()), ready, process.rssBytes(),
                    address(server.endpoint())));
        });
        for (var service : sandbox.services()) {
            if (!service.everStarted()) {
                continue;
            }
            var pid = service.process().pid().orElse(null);
            rows.add(new Row(service.spec().name(), pid, String.valueOf(service.port()), pid != null && service.isReady(),
                    service.process().rssBytes(), service.url()));
        }
        return rows;
    }

    private static String address(Endpoints.Endpoint endpoint) {
        return switch (endpoint) {
            case Endpoints.Redis redis -> redis.uri();
            case Endpoints.Postgres postgres -> postgres.jdbcUrl("postgres");
            case Endpoints.RabbitMq rabbit -> "amqp://" + rabbit.host() + ":" + rabbit.port();
            case Endpoints.Kafka kafka -> kafka.bootstrapServers();
            case Endpoints.Zipkin zipkin -> zipkin.url() + " (traces)";
            case Endpoints.Prometheus prometheus -> prometheus.url() + " (metrics; dashboards " + prometheus.dashboardsUrl() + ")";
        };
    }

    private void print(List<Row> rows) {
        var format = "%-18s %-8s %-6s %-6s %9s  %s%n";
        out.printf(Locale.ROOT, format, "COMPONENT", "PID", "PORT", "READY", "RSS", "ADDRESS");
        for (var row : rows) {
            out.printf(Locale.ROOT, format, row.component(), row.pid() == null ? "-" : row.pid(), row.port(),
                    row.pid() == null ? "down" : row.ready() ? "yes" : "no", megabytes(row.rss()), row.address());
        }
    }

    private static String megabytes(long bytes) {
        return String.format(Locale.ROOT, "%d MB", bytes / (1024 * 1024));
    }

    private static String single(String command, List<String> args) {
        if (args.size() != 1) {
            throw new IllegalArgumentException("usage: sandbox " + command + " <component>; components: "
                    + String.join(", ", Arrays.stream(Component.values()).map(Component::id).toList()) + ", "
                    + String.join(", ", Topology.SERVICES.stream().map(ServiceSpec::name).toList()));
        }
        return args.getFirst();
    }

    private String runName() {
        var configured = System.getenv("SANDBOX_RUN");
        if (configured != null && !configured.isBlank()) {
            return configured;
        }
        // One sandbox per clone: two clones on one machine do not share (or stop) each other's.
        return "sandbox-" + Integer.toHexString(root.toString().hashCode());
    }

    private static String host() {
        return System.getenv().getOrDefault("SANDBOX_HOST", "127.0.0.1");
    }

}
