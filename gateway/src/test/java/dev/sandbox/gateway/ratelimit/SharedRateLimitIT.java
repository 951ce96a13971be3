package dev.sandbox.gateway.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.sandbox.gateway.support.TestKeys;
import dev.sandbox.gateway.support.TestUpstream;
import dev.sandbox.infra.Component;
import dev.sandbox.infra.cli.ServiceProcess;
import dev.sandbox.infra.cli.ServiceSpec;
import dev.sandbox.infra.testing.TestInfrastructure;
import redis.clients.jedis.Jedis;

/**
 * N gateways share one limit. Three gateway processes (the packaged jar) on one real Redis; 2,000
 * concurrent requests for one caller, spread over the three, against a limit of L = 100 per hour
 * on four routes, one per algorithm. Each algorithm must admit exactly what its definition allows,
 * counted three ways: 200s at the client, requests at the upstream, and the instances' own
 * "allowed" metrics. Each instance's metrics also show that it decided its whole share of the burst:
 * limits kept per instance would have admitted up to L on each, 3L in all. A fifth route takes its
 * permits in leases of {@value #LEASE}: never more than L either, and at most one lease per instance unspent.
 */
class SharedRateLimitIT {

    private static final int INSTANCES = 3;
    private static final int REQUESTS = 2000;
    private static final int LIMIT = 100;
    private static final Duration WINDOW = Duration.ofHours(1);
    private static final Map<Algorithm, String> ROUTES = Map.of(Algorithm.FIXED_WINDOW, "fixed", Algorithm.SLIDING_LOG, "log",
            Algorithm.SLIDING_WINDOW_COUNTER, "counter", Algorithm.TOKEN_BUCKET, "bucket");
    /** The sliding-window counter again, in the leased mode. */
    private static final String LEASED = "leased";
    private static final int LEASE = 10;

    private static TestInfrastructure infra;
    private static TestUpstream upstream;
    private static final List<ServiceProcess> gateways = new ArrayList<>();
    /** Decisions counted by each instance's metric during the warm-up, by route + instance index, then outcome. */
    private static final Map<String, Map<String, Integer>> warmUpDecisions = new ConcurrentHashMap<>();
    private static final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(30)).build();

    @BeforeAll
    static void startThreeGateways() throws IOException {
        infra = TestInfrastructure.with(Component.REDIS);
        upstream = new TestUpstream().start();
        var root = Path.of(System.getProperty("gateway.jar")).toAbsolutePath().getParent().getParent().getParent().getParent();
        var dir = Files.createTempDirectory("gateway-it-");
        var config = dir.resolve("it.properties");
        try (var out = Files.newBufferedWriter(config)) {
            settings().store(out, "three gateways, one limit per algorithm");
        }
        for (int i = 1; i <= INSTANCES; i++) {
            var gateway = new ServiceProcess(ServiceSpec.of("gateway-" + i, "gateway", 0, Set.of(Component.REDIS)),
                    dir.resolve("gateway-" + i), "127.0.0.1", false);
            gateway.allocatePort();
            gateway.start(root, Map.of(
                    "QUARKUS_HTTP_PORT", String.valueOf(gateway.port()),
                    "QUARKUS_REDIS_HOSTS", infra.endpoints().redis().uri(),
                    "QUARKUS_CONFIG_LOCATIONS", config.toUri().toString()));
            gateways.add(gateway);
        }
        Awaitility.await("three gateways ready").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500))
                .until(() -> {
                    gateways.forEach(gateway -> gateway.process().requireAlive());
                    return gateways.stream().allMatch(ServiceProcess::isReady);
                });
        warmUp();
    }

    /** A few hundred requests per instance first, under another caller: cold JIT is not what is measured. */
    private static void warmUp() {
        var token = TestKeys.token(infra.unique("warm-up"), "", "free");
        var calls = new ArrayList<CompletableFuture<?>>();
        var routes = routes();
        for (int i = 0; i < 600; i++) {
            var route = routes.get(i % routes.size());
            var request = HttpRequest.newBuilder(URI.create(gateways.get(i % INSTANCES).url() + "/api/" + route + "/warm-up"))
                    .header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(120)).build();
            calls.add(client.sendAsync(request, HttpResponse.BodyHandlers.discarding()));
        }
        CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).join();
        routes.forEach(route -> {
            for (int i = 0; i < INSTANCES; i++) {
                warmUpDecisions.put(route + i, decisionsMetric(gateways.get(i), route));
            }
        });
    }

    private static List<String> routes() {
        var routes = new ArrayList<>(ROUTES.values().stream().sorted().toList());
        routes.add(LEASED);
        return routes;
    }

    private static Properties settings() {
        var settings = new Properties();
        settings.setProperty("gateway.auth.jwt.public-key", TestKeys.rsaPublicPem());
        // Decisions that time out must not count as admissions: fail closed, with room for a loaded machine.
        settings.setProperty("gateway.rate-limit.fail-mode", "closed");
        settings.setProperty("gateway.rate-limit.timeout", "30s");
        settings.setProperty("gateway.rate-limit.tiers.free.limit", String.valueOf(LIMIT));
        settings.setProperty("gateway.rate-limit.tiers.free.window", WINDOW.toString());
        settings.setProperty("quarkus.log.category.\"gateway.access\".level", "WARN");
        ROUTES.forEach((algorithm, route) -> {
            settings.setProperty("gateway.routes." + route + ".prefix", "/api/" + route);
            settings.setProperty("gateway.routes." + route + ".upstream-prefix", "/echo/" + route);
            settings.setProperty("gateway.routes." + route + ".upstreams", upstream.url());
            settings.setProperty("gateway.routes." + route + ".algorithm", algorithm.id());
        });
        settings.setProperty("gateway.routes." + LEASED + ".prefix", "/api/" + LEASED);
        settings.setProperty("gateway.routes." + LEASED + ".upstream-prefix", "/echo/" + LEASED);
        settings.setProperty("gateway.routes." + LEASED + ".upstreams", upstream.url());
        settings.setProperty("gateway.routes." + LEASED + ".algorithm", Algorithm.SLIDING_WINDOW_COUNTER.id());
        settings.setProperty("gateway.routes." + LEASED + ".mode", "leased");
        settings.setProperty("gateway.rate-limit.lease.size", String.valueOf(LEASE));
        // Leases must not end while the burst runs on a loaded machine: what is measured is the batches.
        settings.setProperty("gateway.rate-limit.lease.ttl", "10m");
        return settings;
    }

    @AfterAll
    static void stop() {
        gateways.forEach(ServiceProcess::stop);
        if (upstream != null) {
            upstream.close();
        }
    }

    @Test
    void fixedWindowAdmitsExactlyL() {
        var result = burst(Algorithm.FIXED_WINDOW);
        assertThat(result.admitted()).isEqualTo(LIMIT);
    }

    @Test
    void slidingLogAdmitsExactlyL() {
        var result = burst(Algorithm.SLIDING_LOG);
        assertThat(result.admitted()).isEqualTo(LIMIT);
    }

    @Test
    void slidingWindowCounterAdmitsExactlyLWithinOneWindow() {
        var result = burst(Algorithm.SLIDING_WINDOW_COUNTER);
        assertThat(result.admitted()).isEqualTo(LIMIT);
    }

    @Test
    void tokenBucketAdmitsItsCapacityPlusWhatRefilledMeanwhile() {
        var result = burst(Algorithm.TOKEN_BUCKET);
        var refilled = (int) Math.floor(result.elapsed().toMillis() * (double) LIMIT / WINDOW.toMillis());
        assertThat(result.admitted()).isBetween(LIMIT, LIMIT + refilled);
    }

    @Test
    void leasedPermitsNeverExceedLAndAtMostOneLeasePerInstanceGoesUnspent() {
        var result = burst(LEASED, "leased counter");
        assertThat(result.admitted()).isBetween(LIMIT - INSTANCES * LEASE, LIMIT);
    }

    record Result(int admitted, int rejected, Map<Integer, Integer> admittedPerInstance, Duration elapsed) {
    }

    /** 2,000 requests at once for one new caller on the algorithm's route, round robin over the instances. */
    private Result burst(Algorithm algorithm) {
        return burst(ROUTES.get(algorithm), algorithm.id());
    }

    private Result burst(String route, String label) {
        awaitFarFromAWindowEdge();
        var token = TestKeys.token(infra.unique("burst-" + route), "", "free");
        var statuses = new ConcurrentHashMap<Integer, AtomicInteger>();
        var unexpected = new ConcurrentHashMap<Integer, String>();
        var started = System.nanoTime();
        var calls = new ArrayList<CompletableFuture<Void>>();
        for (int i = 0; i < REQUESTS; i++) {
            var gateway = gateways.get(i % INSTANCES);
            var request = HttpRequest.newBuilder(URI.create(gateway.url() + "/api/" + route + "/" + i))
                    .header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(120)).build();
            calls.add(client.sendAsync(request, HttpResponse.BodyHandlers.ofString()).thenAccept(response -> {
                statuses.computeIfAbsent(response.statusCode(), s -> new AtomicInteger()).incrementAndGet();
                if (response.statusCode() != 200 && response.statusCode() != 429) {
                    unexpected.putIfAbsent(response.statusCode(), response.uri() + ": " + response.body());
                }
            }));
        }
        CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).join();
        var elapsed = Duration.ofNanos(System.nanoTime() - started);

        var admitted = count(statuses, 200);
        var rejected = count(statuses, 429);
        assertThat(admitted + rejected).as("every answer is 200 or 429: %s, e.g. %s", statuses, unexpected).isEqualTo(REQUESTS);
        assertThat(upstream.received("/echo/" + route + "/")).as("requests that reached the upstream")
                .filteredOn(request -> !request.uri().endsWith("/warm-up")).hasSize(admitted);
        var perInstance = new TreeMap<Integer, Integer>();
        for (int i = 0; i < INSTANCES; i++) {
            var decisions = decisionsSinceWarmUp(i, route);
            var allowed = decisions.getOrDefault("allowed", 0);
            perInstance.put(i + 1, allowed);
            // Which instance wins the race for the slots is chance; that each one decided its share is not.
            assertThat(allowed + decisions.getOrDefault("rejected", 0)).as("decisions of instance %d", i + 1)
                    .isEqualTo(requestsSentTo(i));
        }
        assertThat(perInstance.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(admitted);
        System.out.printf("%-24s L=%d, %d concurrent requests over %d instances in %d ms: admitted %d (per instance %s), rejected %d%n",
                label, LIMIT, REQUESTS, INSTANCES, elapsed.toMillis(), admitted, perInstance, rejected);
        return new Result(admitted, rejected, perInstance, elapsed);
    }

    private static int count(Map<Integer, AtomicInteger> statuses, int status) {
        var counter = statuses.get(status);
        return counter == null ? 0 : counter.get();
    }

    /** The burst's requests sent to instance {@code index} by the round robin. */
    private static int requestsSentTo(int index) {
        return REQUESTS / INSTANCES + (index < REQUESTS % INSTANCES ? 1 : 0);
    }

    /** An instance's decisions on a route since the warm-up, by outcome. */
    private static Map<String, Integer> decisionsSinceWarmUp(int index, String route) {
        var before = warmUpDecisions.getOrDefault(route + index, Map.of());
        var since = new HashMap<String, Integer>();
        decisionsMetric(gateways.get(index), route).forEach((outcome, n) -> since.put(outcome, n - before.getOrDefault(outcome, 0)));
        return since;
    }

    /** An instance's decisions on a route so far, by outcome, from one read of its metrics. */
    private static Map<String, Integer> decisionsMetric(ServiceProcess gateway, String route) {
        try {
            var metrics = client.send(HttpRequest.newBuilder(URI.create(gateway.url() + "/q/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            var matcher = Pattern.compile("gateway_ratelimit_decisions_total\\{[^}]*outcome=\"([a-z-]+)\"[^}]*route=\"" + route
                    + "\"[^}]*} ([0-9.]+)").matcher(metrics);
            var byOutcome = new HashMap<String, Integer>();
            while (matcher.find()) {
                byOutcome.put(matcher.group(1), (int) Double.parseDouble(matcher.group(2)));
            }
            return byOutcome;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The aligned windows (fixed, counter) must not turn over during a burst: start with 5 minutes to spare. */
    private static void awaitFarFromAWindowEdge() {
        Awaitility.await("5 minutes from a window edge").atMost(Duration.ofMinutes(6)).pollInterval(Duration.ofSeconds(1))
                .until(() -> {
                    try (var redis = new Jedis(infra.endpoints().redis().uri())) {
                        var now = Long.parseLong(redis.time().getFirst()) * 1000;
                        return WINDOW.toMillis() - now % WINDOW.toMillis() > Duration.ofMinutes(5).toMillis();
                    }
                });
    }
}
