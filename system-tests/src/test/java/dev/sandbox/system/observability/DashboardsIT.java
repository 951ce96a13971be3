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
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import dev.sandbox.system.stack.RunningSandbox;
import dev.sandbox.system.stack.SandboxCommand;

/**
 * The dashboards (deploy/observability/consoles, served by the sandbox's Prometheus) in real headless
 * Chromium: after a little traffic through every flow, each page draws every one of its graphs with
 * data, which proves each expression names metrics the services really export, with the labels they
 * really carry. A screenshot of each page is left in {@code target/dashboards}; with
 * {@code -Dsandbox.update-docs=true} the overview's becomes docs/images/overview.png.
 */
@ExtendWith(RunningSandbox.Extension.class)
class DashboardsIT {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path DRIVER = Path.of("/usr/bin/chromedriver");
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

    static List<String> pages() throws IOException {
        try (Stream<Path> files = Files.list(CONSOLES)) {
            return files.map(file -> file.getFileName().toString()).filter(name -> name.endsWith(".html")).sorted().toList();
        }
    }

    @BeforeAll
    static void driveEveryFlow(RunningSandbox sandbox) throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(DRIVER), "needs Debian chromium and chromium-driver");
        var gateway = new Gateway(sandbox.url("gateway"), "alice");
        var chat = gateway.websocket(gateway.url(), "/api/chat/rooms/dashboards", new WebSocket.Listener() { });
        for (var round = 0; round < 5; round++) {
            gateway.post("/api/orders", "application/json",
                    "{\"customerId\":\"dashboards\",\"currency\":\"EUR\",\"items\":[{\"sku\":\"pen\",\"quantity\":2,\"unitPrice\":1.50}]}",
                    Map.of("Idempotency-Key", UUID.randomUUID().toString()));
            // One good record and one that is rejected (no id).
            gateway.post("/api/events", "text/csv", "id,type,source\n" + UUID.randomUUID() + ",click,dashboards\n,click,dashboards\n", Map.of());
            gateway.post("/api/rag/query", "application/json", "{\"question\":\"How does the outbox relay publish events?\"}", Map.of());
            gateway.post("/api/rag/documents", "application/json",
                    "{\"title\":\"dashboards " + round + "\",\"text\":\"# Dashboards\\n\\nOne page per service, round " + UUID.randomUUID() + ".\"}", Map.of());
            chat.sendText("{\"type\":\"send\",\"clientMsgId\":\"" + UUID.randomUUID() + "\",\"text\":\"hello\"}", true).get(10, TimeUnit.SECONDS);
        }
        // The connection stays open: the chat page shows it.
        browser = chromium();
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
        var deadline = System.nanoTime() + PATIENCE.toNanos();
        List<String> empty;
        do {
            browser.get("about:blank");
            browser.get(url);
            awaitDrawn();
            empty = emptyGraphs();
        } while (!empty.isEmpty() && System.nanoTime() < deadline && pause());

        Files.createDirectories(SCREENSHOTS);
        var screenshot = SCREENSHOTS.resolve(page.replace(".html", ".png"));
        Files.copy(((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath(), screenshot, StandardCopyOption.REPLACE_EXISTING);
        assertThat(empty).as("graphs without data on %s (screenshot %s)", page, screenshot).isEmpty();
        assertThat(points()).as("graphs on " + page).isNotEmpty();
        if (page.equals("overview.html") && Boolean.getBoolean("sandbox.update-docs")) {
            Files.copy(screenshot, SandboxCommand.ROOT.resolve("docs/images/overview.png"), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Waits until no graph of the page is still loading. */
    private static void awaitDrawn() {
        var deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline && points().stream().anyMatch(graph -> ((Number) graph.get(1)).intValue() < 0)) {
            pause();
        }
    }

    private static List<String> emptyGraphs() {
        return points().stream().filter(graph -> ((Number) graph.get(1)).intValue() <= 0).map(graph -> (String) graph.get(0)).toList();
    }

    @SuppressWarnings("unchecked")
    private static List<List<Object>> points() {
        return (List<List<Object>>) ((JavascriptExecutor) browser).executeScript(POINTS_PER_GRAPH);
    }

    private static boolean pause() {
        try {
            Thread.sleep(1_000);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    private static WebDriver chromium() {
        var options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1400,1000");
        var service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile()).build();
        return new ChromeDriver(service, options);
    }
}
