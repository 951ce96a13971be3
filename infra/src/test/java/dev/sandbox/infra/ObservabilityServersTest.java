package dev.sandbox.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import com.sun.net.httpserver.HttpServer;

import dev.sandbox.infra.local.LocalInfrastructure;
import dev.sandbox.infra.testing.SharedInfrastructure;
import dev.sandbox.infra.testing.TestInfrastructure;

/** The trace store and the metrics store are the real servers: a span goes in and is found by its trace id; a target is scraped. */
class ObservabilityServersTest {

    private final TestInfrastructure infra = TestInfrastructure.with(Component.ZIPKIN, Component.PROMETHEUS);
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void zipkinKeepsASpanAndFindsItsTrace() throws Exception {
        var zipkin = infra.endpoints().zipkin();
        var traceId = HexFormat.of().formatHex(randomBytes(16));
        var span = """
                [{"traceId":"%s","id":"%s","name":"round trip","kind":"SERVER","timestamp":%d,"duration":1000,
                  "localEndpoint":{"serviceName":"sandbox-test"}}]""".formatted(traceId, HexFormat.of().formatHex(randomBytes(8)),
                System.currentTimeMillis() * 1000);
        var posted = http.send(HttpRequest.newBuilder(URI.create(zipkin.spansUrl())).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(span)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(posted.statusCode()).isEqualTo(202);
        Awaitility.await("the trace is queryable").atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            var trace = get(zipkin.url() + "/api/v2/trace/" + traceId);
            assertThat(trace.statusCode()).isEqualTo(200);
            assertThat(trace.body()).contains("\"name\":\"round trip\"").contains("sandbox-test");
        });
        assertThat(get(zipkin.url() + "/zipkin/").body()).containsIgnoringCase("<html");
    }

    /** Services start after Prometheus, on ports it cannot know: it finds them from a file per service. */
    @Test
    void prometheusScrapesATargetItIsToldOfByFile() throws Exception {
        var metric = "sandbox_probe_" + infra.runId();
        var server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/q/metrics", exchange -> {
            var body = ("# TYPE " + metric + " gauge\n" + metric + " 42\n").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        try {
            var local = (LocalInfrastructure) SharedInfrastructure.get();
            local.scrape("probe-" + infra.runId(), "127.0.0.1:" + server.getAddress().getPort());
            var prometheus = infra.endpoints().prometheus();
            Awaitility.await("Prometheus scrapes the target").atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofSeconds(1))
                    .untilAsserted(() -> assertThat(get(prometheus.url() + "/api/v1/query?query=" + metric).body())
                            .contains("\"service\":\"probe-" + infra.runId() + "\"").contains("\"42\""));
        } finally {
            server.stop(0);
        }
    }

    private HttpResponse<String> get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static byte[] randomBytes(int count) {
        var bytes = new byte[count];
        ThreadLocalRandom.current().nextBytes(bytes);
        return bytes;
    }
}
