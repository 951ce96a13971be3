package dev.sandbox.chat.testing;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.awaitility.Awaitility;

import dev.sandbox.infra.cli.ServiceProcess;
import dev.sandbox.infra.cli.Topology;
import dev.sandbox.infra.local.LocalInfrastructure;
import dev.sandbox.infra.testing.GatewayTokens;
import dev.sandbox.infra.testing.TestInfrastructure;

/**
 * One chat node as its own OS process, the packaged jar started the way {@code ./sandbox} starts
 * it (the topology's entry), so that a test can kill -9 it. It trusts the test kit's gateway key
 * and uses the run's own Redis keys and exchange ({@code namespace}).
 */
public final class ChatNodeProcess {

    private static final Path ROOT = Path.of(System.getProperty("sandbox.root", "..")).toAbsolutePath().normalize();

    private final ServiceProcess process;
    private final Map<String, String> environment;

    public ChatNodeProcess(TestInfrastructure infra, String component, String name, Map<String, String> settings) {
        var spec = Topology.service(component).orElseThrow();
        var runDir = infra.infrastructure() instanceof LocalInfrastructure local
                ? local.run().path()
                : Path.of(System.getProperty("java.io.tmpdir"));
        this.process = new ServiceProcess(spec, runDir.resolve(name), "127.0.0.1", false);
        this.process.allocatePort();
        this.environment = new LinkedHashMap<>(infra.endpoints().environment(spec.needs(), null));
        this.environment.put("QUARKUS_HTTP_PORT", String.valueOf(process.port()));
        this.environment.put("QUARKUS_PROFILE", "prod");
        this.environment.put("SANDBOX_IDENTITY_PUBLIC_KEY", GatewayTokens.publicKeyPem());
        this.environment.put("CHAT_NODE_ID", name);
        this.environment.putAll(settings);
    }

    public void start() {
        process.start(ROOT, environment);
    }

    public void awaitReady() {
        Awaitility.await(process.spec().name() + " ready").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    process.process().requireAlive();
                    return process.isReady();
                });
    }

    /** SIGKILL: no shutdown hook, no close frames, nothing flushed. */
    public void kill() {
        process.process().kill();
    }

    public void stop() {
        if (process.process().isAlive()) {
            process.stop();
        }
    }

    public String url() {
        return process.url();
    }

    public long pid() {
        return process.process().pid().orElseThrow();
    }

    public long rssBytes() {
        return process.process().rssBytes();
    }

    public String logTail() {
        return process.process().tail(40);
    }
}
