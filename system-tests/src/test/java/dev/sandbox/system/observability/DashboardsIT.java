package dev.sandbox.system.observability;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.JavascriptExecutor;

import dev.sandbox.infra.testing.HeadlessChromium;
import dev.sandbox.system.observability.Trace.Hop;
import dev.sandbox.system.stack.RunningSandbox;
import dev.sandbox.system.stack.SandboxCommand;

/**
 * What a user looks at, in real headless Chromium. The dashboards (deploy/observability/consoles,
 * served by the sandbox's Prometheus): after a little traffic through every flow, each page draws
 * every one of its graphs with data, which proves each expression names metrics the services really
 * export, with the labels they really carry. The trace UI: an order's {@code X-Trace-Id}, opened in
 * Zipkin, shows every process the order went through. A screenshot of each page is left in
 * {@code target/dashboards}; with {@code -Dsandbox.update-docs=true} the overview's becomes
 * docs/images/overview.png and the order's trace docs/images/order-trace.png.
 */
@ExtendWith(RunningSandbox.Extension.class)
class DashboardsIT {

    private static final Path CONSOLES = SandboxCommand.ROOT.resolve("deploy/observability/consoles");
    private static final Path SCREENSHOTS = SandboxCommand.ROOT.resolve("system-tests/target/dashboards");
    /** Rates need two scrapes (every 5 s) inside their window after the traffic: patience, on a busy machine. */
    private static final Duration PATIENCE = Duration.ofMinutes(3);
    /** The last ten minutes: the run is young, the graphs fill the width. */
    private static final String WINDOW = "#pctc" + URLEncoder.encode("{\"duration\":600,\"endTime\":0}", StandardCharsets.UTF_8);

    /**
     * Counts, per graph of the page, the points that hold a number (NaN and gaps are not data). A
     * graph still loading counts -1.
     */
    private static final String POINTS_PER_GRAPH = """
            return PromConsole._graph_registry.map(g => [g.params.node.id, g.rendered_data === null ? -1 :
                g.rendered_data.reduce((n, d) => n + d.data.result.reduce((m, r) =>
                    m + r.values.filter(v => isFinite(parseFloat(v[1]))).length, 0), 0)]);
            """;

    private static WebDriver browser;
    private static String orderTrace;

    static List<String> pages() throws IOException {
        try (Stream<Path> files = Files.list(CONSOLES)) {
            return files.map(file -> file.getFileName().toString()).filter(name -> name.endsWith(".html")).sorted().toList();
        }
    }

    @BeforeAll
    static void driveEveryFlow(RunningSandbox sandbox) throws Exception {
        HeadlessChromium.assumeInstalled();
        var gateway = new Gateway(sandbox.url("gateway"), "alice");
        var chat = gateway.websocket(gateway.url(), "/api/chat/rooms/dashboards", new WebSocket.Listener() { });
        for (var round = 0; round < 5; round++) {
            orderTrace = Gateway.traceId(gateway.post("/api/orders", "application/json",
                    "{\"customerId\":\"dashboards\",\"currency\":\"EUR\",\"items\":[{\"sku\":\"pen\",\"quantity\":2,\"unitPrice\":1.50}]}",
                    Map.of("Idempotency-Key", UUID.randomUUID().toString())));
            // One good record and one that is rejected (no id).
            gateway.post("/api/events", "text/csv", "id,type,source\n" + UUID.randomUUID() + ",click,dashboards\n,click,dashboards\n", Map.of());
            gateway.post("/api/rag/query", "application/json", "{\"question\":\"How does the outbox relay publish events?\"}", Map.of());
            gateway.post("/api/rag/documents", "application/json",
                    "{\"title\":\"dashboards " + round + "\",\"text\":\"# Dashboards\\n\\nOne page per service, round " + UUID.randomUUID() + ".\"}", Map.of());
            chat.sendText("{\"type\":\"send\",\"clientMsgId\":\"" + UUID.randomUUID() + "\",\"text\":\"hello\"}", true).get(10, TimeUnit.SECONDS);
        }
        // The connection stays open: the chat page shows it.
        browser = HeadlessChromium.start(1400, 1000);
    }

    @AfterAll
    static void closeBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    @ParameterizedTest
    @MethodSource("pages")
    void everyGraphOfThePageHasData(String page, RunningSandbox sandbox) throws Exception {
        var url = sandbox.url("prometheus") + "/consoles/" + page + WINDOW;
        var empty = new AtomicReference<List<String>>(List.of("(no load of the page finished drawing)"));
        try {
            // Each try loads the page afresh (its graphs query once, on load); one that does not
            // finish drawing is loaded again. The browser is driven from this thread only.
            Awaitility.await("every graph of " + page + " with data").atMost(PATIENCE).pollInterval(Duration.ofSeconds(1))
                    .pollInSameThread().ignoreException(ConditionTimeoutException.class)
                    .until(() -> {
                        load(url);
                        empty.set(emptyGraphs());
                        return empty.get().isEmpty();
                    });
        } catch (ConditionTimeoutException e) {
            // Out of patience: the screenshot and the assertion below show the page as it stood.
        }

        var screenshot = screenshot(page.replace(".html", ".png"));
        assertThat(empty.get()).as("graphs without data on %s (screenshot %s)", page, screenshot).isEmpty();
        assertThat(points()).as("graphs on " + page).isNotEmpty();
    }

    /** What a user does with the trace id an answer carries: opens it in the trace UI, which shows every process of the order. */
    @Test
    void theTraceUiShowsAnOrderByItsTraceId(RunningSandbox sandbox) throws Exception {
        new TraceStore(sandbox.url("zipkin")).awaitWhole(orderTrace, List.of(List.of(
                Hop.of("gateway", "post /api/orders"), Hop.of("order-processor", "payments\\S* publish"),
                Hop.of("order-service", "payments\\S* process"))));
        browser.get(sandbox.url("zipkin") + "/zipkin/traces/" + orderTrace);
        var services = List.of("gateway", "order-service", "order-processor");
        try {
            Awaitility.await("the trace drawn").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).pollInSameThread()
                    .until(() -> services.stream().allMatch(browser.findElement(By.tagName("body")).getText()::contains));
        } catch (ConditionTimeoutException e) {
            // The screenshot and the assertion below show the page as it stood.
        }
        var screenshot = screenshot("order-trace.png");
        assertThat(browser.findElement(By.tagName("body")).getText()).as("trace %s in the UI (screenshot %s)", orderTrace, screenshot)
                .contains(services);
    }

    private static Path screenshot(String name) throws IOException {
        Files.createDirectories(SCREENSHOTS);
        var screenshot = SCREENSHOTS.resolve(name);
        Files.copy(((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath(), screenshot, StandardCopyOption.REPLACE_EXISTING);
        if (Boolean.getBoolean("sandbox.update-docs") && Set.of("overview.png", "order-trace.png").contains(name)) {
            Files.copy(screenshot, SandboxCommand.ROOT.resolve("docs/images").resolve(name), StandardCopyOption.REPLACE_EXISTING);
        }
        return screenshot;
    }

    /** Loads the page and waits until no graph of it is still loading. */
    private static void load(String url) {
        browser.get("about:blank");
        browser.get(url);
        Awaitility.await("the graphs drawn").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).pollInSameThread()
                .until(() -> points().stream().noneMatch(graph -> ((Number) graph.get(1)).intValue() < 0));
    }

    private static List<String> emptyGraphs() {
        return points().stream().filter(graph -> ((Number) graph.get(1)).intValue() <= 0).map(graph -> (String) graph.get(0)).toList();
    }

    @SuppressWarnings("unchecked")
    private static List<List<Object>> points() {
        return (List<List<Object>>) ((JavascriptExecutor) browser).executeScript(POINTS_PER_GRAPH);
    }
}
