package dev.sandbox.infra.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.sandbox.infra.Component;
import dev.sandbox.infra.Endpoints;

/**
 * RabbitMQ from the Debian package, run without its wrapper in /usr/sbin (which switches user and
 * writes to /var/log). Everything it writes stays in its directory, and it gets an epmd of its own
 * on a private port, started as its child: so several sandboxes run side by side, and killing the
 * node's process tree leaves no epmd behind.
 */
final class RabbitMqServer extends LocalServer {

    private static final Path SERVER = Path.of("/usr/lib/rabbitmq/bin/rabbitmq-server");

    RabbitMqServer(Path dir, String host, boolean fixedClientPort) {
        super(Component.RABBITMQ, dir, host, fixedClientPort, Set.of("dist", "epmd"));
    }

    @Override
    public Component component() {
        return Component.RABBITMQ;
    }

    @Override
    public Endpoints.RabbitMq endpoint() {
        return new Endpoints.RabbitMq(host, clientPort(), Endpoints.RABBITMQ_USER, Endpoints.RABBITMQ_PASSWORD);
    }

    @Override
    protected void prepare() throws IOException {
        Files.createDirectories(path("mnesia"));
        Files.createDirectories(path("log"));
        Files.writeString(path("enabled_plugins"), "[].\n");
        Files.writeString(path("rabbitmq-env.conf"), "");
        Files.writeString(path("rabbitmq.conf"), """
                default_user = %s
                default_pass = %s
                loopback_users = none
                log.console = true
                log.console.level = warning
                log.file = false
                """.formatted(Endpoints.RABBITMQ_USER, Endpoints.RABBITMQ_PASSWORD));
    }

    @Override
    protected List<String> command() {
        if (!Files.isExecutable(SERVER)) {
            Os.executable("rabbitmq-server", "rabbitmq-server"); // throws, naming the package
        }
        var epmd = Os.executable("epmd", "erlang-base").toString();
        // epmd first, and only once it listens does the node start: otherwise erl starts a daemon epmd of its own.
        var script = """
                %s -port %d &
                until (exec 3<>/dev/tcp/%s/%d) 2>/dev/null; do sleep 0.05; done
                exec %s
                """.formatted(epmd, ports.get("epmd"), host, ports.get("epmd"), SERVER);
        return List.of("bash", "-c", script);
    }

    @Override
    protected Map<String, String> environment() {
        return Map.ofEntries(
                Map.entry("HOME", dir.toString()),
                Map.entry("RABBITMQ_NODENAME", nodeName()),
                Map.entry("RABBITMQ_NODE_IP_ADDRESS", host),
                Map.entry("RABBITMQ_NODE_PORT", String.valueOf(clientPort())),
                Map.entry("RABBITMQ_DIST_PORT", String.valueOf(ports.get("dist"))),
                Map.entry("ERL_EPMD_PORT", String.valueOf(ports.get("epmd"))),
                Map.entry("ERL_EPMD_ADDRESS", host),
                Map.entry("RABBITMQ_MNESIA_BASE", path("mnesia").toString()),
                Map.entry("RABBITMQ_LOG_BASE", path("log").toString()),
                Map.entry("RABBITMQ_ENABLED_PLUGINS_FILE", path("enabled_plugins").toString()),
                Map.entry("RABBITMQ_CONF_ENV_FILE", path("rabbitmq-env.conf").toString()),
                Map.entry("RABBITMQ_CONFIG_FILE", path("rabbitmq").toString()),
                Map.entry("RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS", "-start_epmd false"));
    }

    /** Unique per directory, so two sandboxes' nodes never meet. */
    private String nodeName() {
        return "sandbox-" + Integer.toHexString(dir.toAbsolutePath().toString().hashCode()) + "@localhost";
    }
}
