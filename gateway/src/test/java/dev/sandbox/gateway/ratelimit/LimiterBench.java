package dev.sandbox.gateway.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Pattern;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import dev.sandbox.infra.Component;
import dev.sandbox.infra.testing.TestInfrastructure;
import dev.sandbox.infra.testing.WithInfrastructure;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.quarkus.test.junit.QuarkusTest;
import redis.clients.jedis.Jedis;

/**
 * The limiter alone against Redis' own ceiling, for {@code ./sandbox bench gateway} (it runs only with
 * {@code -Dlimiter.bench=true}): decisions/s of the gateway's {@link RedisRateLimiter}, as the gateway
 * wires it (its Redis client, pool and settings), driven with C decisions always in flight and no HTTP
 * or JWT around it, beside {@code redis-benchmark} with C clients sending EVALSHA of the same script,
 * same arguments, to the same Redis. The two take turns, a few rounds each, and the best round of each
 * is compared (on a shared machine the best is the one least disturbed). Prints one {@code LIMITER} line
 * per algorithm, which the bench script reads.
 */
@QuarkusTest
@WithInfrastructure({Component.REDIS})
@EnabledIfSystemProperty(named = "limiter.bench", matches = "true")
class LimiterBench {

    private static final int CLIENTS = Integer.getInteger("limiter.bench.clients", 50);
    private static final int ROUNDS = Integer.getInteger("limiter.bench.rounds", 3);
    private static final Duration ROUND = Duration.ofSeconds(Integer.getInteger("limiter.bench.round-seconds", 4));
    private static final Pattern PER_SECOND = Pattern.compile("([0-9.]+) requests per second");
    /** USER_HZ of /proc's CPU times: 100 on Linux. */
    private static final long CLOCK_TICKS = 100;
    /** Never reached: every decision is a real read-decide-write in Redis that admits. */
    private static final int LIMIT = 1_000_000_000;

    @Inject
    RateLimits rateLimits;
    /**
     * The test kit keeps every finished span in memory, and the bench makes one per Redis call
     * (millions): kept, they filled the heap until each decision cost milliseconds of GC and the JVM
     * ran out of memory. They are dropped as they come.
     */
    @Inject
    InMemorySpanExporter spans;

    @Test
    void decisionsPerSecondBesideRedisBenchmark() throws Exception {
        var algorithms = System.getProperty("limiter.bench.algorithms", "sliding-window-counter,fixed-window,token-bucket,sliding-log");
        var chosen = new ArrayList<Algorithm>();
        for (var id : algorithms.split(",")) {
            chosen.add(Algorithm.valueOf(id.trim().toUpperCase(Locale.ROOT).replace('-', '_')));
        }
        var dropSpans = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().factory());
        dropSpans.scheduleWithFixedDelay(spans::reset, 100, 100, TimeUnit.MILLISECONDS);
        try {
            // Warm-up, not measured: the JIT compiles the path shared by every script before the first is measured.
            for (var algorithm : chosen) {
                run(rateLimits.limiter(algorithm), limit(algorithm), ROUND);
            }
            for (var algorithm : chosen) {
                measure(algorithm);
            }
        } finally {
            dropSpans.shutdownNow();
        }
    }

    private static Limit limit(Algorithm algorithm) {
        // The sliding log keeps one member per admitted request for a window: a short one keeps it small.
        var window = algorithm == Algorithm.SLIDING_LOG ? Duration.ofSeconds(1) : Duration.ofMinutes(1);
        return new Limit("bench:{" + UUID.randomUUID() + "}:" + algorithm.id(), LIMIT, window);
    }

    private void measure(Algorithm algorithm) throws Exception {
        var limiter = rateLimits.limiter(algorithm);
        var limit = limit(algorithm);
        var ceilingKey = "bench:{" + UUID.randomUUID() + "}:" + algorithm.id();
        run(limiter, limit, ROUND); // warm-up of this script's own path, and its connections
        double bestLimiter = 0, bestRedis = 0, limiterCpu = Double.NaN, benchmarkCpu = Double.NaN, redisCpuLimiter = Double.NaN,
                redisCpuBenchmark = Double.NaN;
        for (int round = 0; round < ROUNDS; round++) {
            var redisBefore = redisCpuSeconds();
            var benchmark = redisBenchmark(limiter.scriptSha1(), ceilingKey, limit.window(), algorithm == Algorithm.SLIDING_LOG);
            if (benchmark.perSecond() > bestRedis) {
                bestRedis = benchmark.perSecond();
                benchmarkCpu = benchmark.cpuMicrosPerRequest();
                redisCpuBenchmark = (redisCpuSeconds() - redisBefore) * 1e6 / benchmark.requests();
            }
            redisBefore = redisCpuSeconds();
            var measured = run(limiter, limit, ROUND);
            if (measured.perSecond() > bestLimiter) {
                bestLimiter = measured.perSecond();
                limiterCpu = measured.cpuMicrosPerDecision();
                redisCpuLimiter = (redisCpuSeconds() - redisBefore) * 1e6 / measured.decisions();
            }
        }
        System.out.printf(Locale.ROOT, "LIMITER algorithm=%s mode=exact clients=%d limiter_per_s=%.0f redis_benchmark_per_s=%.0f ratio=%.3f"
                        + " client_cpu_us_limiter=%.1f client_cpu_us_benchmark=%.1f redis_cpu_us_limiter=%.1f redis_cpu_us_benchmark=%.1f%n",
                algorithm.id(), CLIENTS, bestLimiter, bestRedis, bestLimiter / bestRedis, limiterCpu, benchmarkCpu, redisCpuLimiter,
                redisCpuBenchmark);
        assertThat(bestLimiter).as("decisions/s of the limiter").isPositive();
    }

    private record Measured(long decisions, double perSecond, double cpuMicrosPerDecision) {
    }

    /**
     * {@code CLIENTS} chains of decisions, each starting the next when its answer arrives (as
     * redis-benchmark's clients do without pipelining), counted over {@code duration}; then every
     * chain is let finish before the next measure starts.
     */
    private static Measured run(RedisRateLimiter limiter, Limit limit, Duration duration) throws InterruptedException {
        var decided = new LongAdder();
        var failed = new LongAdder();
        var stopped = new boolean[1];
        var finished = new CountDownLatch(CLIENTS);
        for (int i = 0; i < CLIENTS; i++) {
            next(limiter, limit, decided, failed, stopped, finished);
        }
        var cpu = cpuNanos();
        var count = decided.sum();
        var started = System.nanoTime();
        Thread.sleep(duration.toMillis());
        var decisions = decided.sum() - count;
        var elapsed = System.nanoTime() - started;
        var cpuUsed = cpuNanos() - cpu;
        synchronized (stopped) {
            stopped[0] = true;
        }
        assertThat(finished.await(30, TimeUnit.SECONDS)).as("every chain finished").isTrue();
        assertThat(failed.sum()).as("limiter calls that failed").isZero();
        return new Measured(decisions, decisions * 1e9 / elapsed, cpuUsed / 1e3 / decisions);
    }

    private static void next(RedisRateLimiter limiter, Limit limit, LongAdder decided, LongAdder failed, boolean[] stopped,
                             CountDownLatch finished) {
        synchronized (stopped) {
            if (stopped[0]) {
                finished.countDown();
                return;
            }
        }
        limiter.acquire(limit).subscribe().with(decision -> {
            decided.increment();
            next(limiter, limit, decided, failed, stopped, finished);
        }, failure -> {
            failed.increment();
            next(limiter, limit, decided, failed, stopped, finished);
        });
    }

    private record Ceiling(long requests, double perSecond, double cpuMicrosPerRequest) {
    }

    /** redis-benchmark, {@code CLIENTS} clients, no pipelining, about one round's worth of EVALSHA of the same script. */
    private static Ceiling redisBenchmark(String sha1, String key, Duration window, boolean uniqueMembers) throws IOException, InterruptedException {
        var requests = 100_000L * ROUND.toSeconds();
        var redis = TestInfrastructure.current().endpoints().redis();
        var command = new ArrayList<>(List.of("redis-benchmark", "-h", redis.host(), "-p", String.valueOf(redis.port()),
                "-c", String.valueOf(CLIENTS), "-n", String.valueOf(requests), "-P", "1", "-q"));
        if (uniqueMembers) {
            command.addAll(List.of("-r", "1000000000000")); // __rand_int__: a 12-digit random member per request
        }
        command.addAll(List.of("EVALSHA", sha1, "1", key, String.valueOf(LIMIT), String.valueOf(window.toMillis()),
                uniqueMembers ? "m:__rand_int__" : "-", "1"));
        var cpu = childrenCpuNanos();
        var process = new ProcessBuilder(command).redirectErrorStream(true).start();
        var output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(2, TimeUnit.MINUTES)).as("redis-benchmark finished").isTrue();
        var cpuUsed = childrenCpuNanos() - cpu;
        var matcher = PER_SECOND.matcher(output.replace('\r', '\n'));
        double perSecond = Double.NaN;
        while (matcher.find()) {
            perSecond = Double.parseDouble(matcher.group(1));
        }
        assertThat(perSecond).as("redis-benchmark's figure in: %s", output).isPositive();
        return new Ceiling(requests, perSecond, cpuUsed / 1e3 / requests);
    }

    /** This JVM's CPU time so far (user+sys). */
    private static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /**
     * The CPU time of this JVM's children that have ended and been waited for (redis-benchmark's, once
     * it is done): cutime and cstime of /proc/self/stat.
     */
    private static long childrenCpuNanos() throws IOException {
        var stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/self/stat"));
        // The fields after "pid (comm) ", counted from the state: cutime is the 14th, cstime the 15th.
        var fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(fields[13]) + Long.parseLong(fields[14])) * 1_000_000_000L / CLOCK_TICKS;
    }

    /** Redis' own CPU time so far (user+sys of the server, from INFO cpu). */
    private static double redisCpuSeconds() {
        try (var redis = new Jedis(TestInfrastructure.current().endpoints().redis().uri())) {
            double seconds = 0;
            for (var line : redis.info("cpu").split("\r?\n")) {
                if (line.startsWith("used_cpu_sys:") || line.startsWith("used_cpu_user:")) {
                    seconds += Double.parseDouble(line.substring(line.indexOf(':') + 1));
                }
            }
            return seconds;
        }
    }
}
