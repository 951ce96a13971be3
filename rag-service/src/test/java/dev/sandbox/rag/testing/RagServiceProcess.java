package dev.sandbox.rag.testing;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
 * The packaged rag-service as its own OS process, started the way {@code ./sandbox} starts it (the
 * topology's entry, {@link ServiceProcess}), so that a test can kill -9 it and start it again on
 * the same index directory and queue. It trusts {@link GatewayTokens}' key. Its directory lives in
 * the test run's, removed when the test JVM exits.
 */
public final class RagServiceProcess {

    /** The project's root: failsafe runs in the module's directory. */
    private static final Path ROOT = Path.of("").toAbsolutePath().getParent();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final ServiceProcess process;
    private final Map<String, String> environment;

    public RagServiceProcess(TestInfrastructure infra, String name) {
        var spec = Topology.service("rag-service").orElseThrow();
        var runDir = infra.infrastructure() instanceof LocalInfrastructure local
                ? local.run().path()
                : Path.of(System.getProperty("java.io.tmpdir"));
        var dir = runDir.resolve(name);
        this.process = new ServiceProcess(spec, dir, "127.0.0.1", false);
        this.process.allocatePort();
        this.environment = new LinkedHashMap<>(infra.endpoints().environment(spec.needs(), null));
        this.environment.putAll(spec.environment());
        this.environment.remove("SANDBOX_IDENTITY_JWKS_URL");
        this.environment.remove("RAG_INGEST_SEED_DIR");
        this.environment.put("SANDBOX_IDENTITY_PUBLIC_KEY", GatewayTokens.publicKeyPem());
        this.environment.put("QUARKUS_HTTP_PORT", String.valueOf(process.port()));
        this.environment.put("QUARKUS_PROFILE", "prod");
        this.environment.put("RAG_DATA_DIR", dir.resolve("index").toString());
        this.environment.put("RAG_INGEST_QUEUE", infra.unique("rag.ingest"));
        this.environment.put("RAG_INGEST_FIRST_BACKOFF", "100ms");
    }

    /** Starts it with {@code settings} on top of its environment (crash points, say); does not wait. */
    public void start(Map<String, String> settings) {
        var merged = new LinkedHashMap<>(environment);
        merged.putAll(settings);
        process.start(ROOT, merged);
    }

    public void startAndAwaitReady(Map<String, String> settings) {
        start(settings);
        awaitReady();
    }

    public void awaitReady() {
        Awaitility.await("rag-service ready").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(200)).until(() -> {
            process.process().requireAlive();
            return process.isReady();
        });
    }

    /** SIGKILL: no shutdown hook, nothing committed or acknowledged. */
    public void kill() {
        process.process().kill();
    }

    /** SIGTERM and wait. */
    public void stop() {
        process.stop();
    }

    public boolean isAlive() {
        return process.process().isAlive();
    }

    public String logTail(int lines) {
        return process.process().tail(lines);
    }

    public String url() {
        return process.url();
    }

    /** A request with bob's token; the body, if any, is JSON. */
    public HttpResponse<String> call(String method, String path, String json) throws Exception {
        var builder = HttpRequest.newBuilder(URI.create(url() + path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + GatewayTokens.token("bob", "rag"));
        if (json != null) {
            builder.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(json));
        } else {
            builder.method(method, HttpRequest.BodyPublishers.noBody());
        }
        return HTTP.send(builder.build(), HttpResponse.BodyHandlers.ofString());
    }
}
