package dev.sandbox.gateway.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import dev.sandbox.infra.Component;
import dev.sandbox.infra.testing.TestInfrastructure;
import dev.sandbox.infra.testing.WithInfrastructure;
import io.quarkus.test.junit.QuarkusTest;
import redis.clients.jedis.Jedis;

/**
 * The four algorithms at a window edge, the classic weakness of the fixed window: L requests at
 * the end of one window and L more at the start of the next, under a second apart. Each algorithm
 * is held to what its definition promises, and the fixed window is shown letting 2L through.
 * The bursts are placed with Redis' clock (the limiters' clock), checked after the fact.
 */
@QuarkusTest
@WithInfrastructure({Component.REDIS})
class WindowEdgeTest {

    private static final int L = 10;
    private static final long WINDOW_MS = 2000;

    @Inject
    RateLimits rateLimits;

    @Test
    void eachAlgorithmHoldsItsBoundAcrossAWindowEdge() {
        Map<Algorithm, Integer> admitted = null;
        for (int tries = 0; tries < 5 && admitted == null; tries++) {
            admitted = burstsAroundAnEdge();
        }
        assertThat(admitted).as("bursts could not be placed around an edge in 5 tries").isNotNull();
        System.out.printf("window edge, L=%d per %d ms, 2L requests within ~0.5 s across the edge: %s%n", L, WINDOW_MS, admitted);
        assertThat(admitted.get(Algorithm.FIXED_WINDOW)).as("fixed window: a fresh count after the edge").isEqualTo(2 * L);
        assertThat(admitted.get(Algorithm.SLIDING_LOG)).as("sliding log: exact").isEqualTo(L);
        // The previous window weighs (W - elapsed)/W: with the second burst at most 500 ms in, <= L/4 extra.
        assertThat(admitted.get(Algorithm.SLIDING_WINDOW_COUNTER)).isBetween(L, L + L / 4);
        // Refill of L per W: at most 600 ms of refill between the two bursts.
        assertThat(admitted.get(Algorithm.TOKEN_BUCKET)).isBetween(L, L + (int) Math.ceil(L * 600.0 / WINDOW_MS));
    }

    /** Admitted counts per algorithm, or null if a burst did not land where it had to. */
    private Map<Algorithm, Integer> burstsAroundAnEdge() {
        var keys = new EnumMap<Algorithm, Limit>(Algorithm.class);
        for (var algorithm : Algorithm.values()) {
            keys.put(algorithm, new Limit("test:edge:{" + UUID.randomUUID() + "}", L, Duration.ofMillis(WINDOW_MS)));
        }
        var admitted = new EnumMap<Algorithm, Integer>(Algorithm.class);
        awaitPhase(1600, 1800);
        burst(keys, admitted);
        if (phase() < 1600) {
            return null; // crossed the edge during the first burst
        }
        awaitPhase(50, 300);
        burst(keys, admitted);
        return phase() >= 50 && phase() < 500 ? admitted : null;
    }

    private void burst(Map<Algorithm, Limit> keys, Map<Algorithm, Integer> admitted) {
        keys.forEach((algorithm, limit) -> {
            for (int i = 0; i < L; i++) {
                var decision = rateLimits.limiter(algorithm).acquire(limit).await().atMost(Duration.ofSeconds(5));
                if (decision.outcome() == Decision.Outcome.ALLOWED) {
                    admitted.merge(algorithm, 1, Integer::sum);
                } else {
                    admitted.putIfAbsent(algorithm, 0);
                }
            }
        });
    }

    /** Milliseconds into the current window, by Redis' clock. */
    private static long phase() {
        try (var redis = new Jedis(TestInfrastructure.current().endpoints().redis().uri())) {
            var time = redis.time();
            var now = Long.parseLong(time.get(0)) * 1000 + Long.parseLong(time.get(1)) / 1000;
            return now % WINDOW_MS;
        }
    }

    private static void awaitPhase(long from, long to) {
        Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(5))
                .until(() -> {
                    var phase = phase();
                    return phase >= from && phase < to;
                });
    }
}
