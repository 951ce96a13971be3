package dev.sandbox.common.work;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Random;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

class BackoffTest {

    private final Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofMillis(1000));

    @Test
    void fullJitterSpreadsOverTheWholeExponentialRange() {
        var random = new Random(42);
        for (int retry = 1; retry <= 6; retry++) {
            var ceiling = Math.min(1000, 100L << (retry - 1));
            final int n = retry;
            var delays = IntStream.range(0, 2000).mapToLong(i -> backoff.delay(n, random).toMillis()).sorted().toArray();
            assertThat(delays[0]).isGreaterThanOrEqualTo(0).isLessThan(ceiling / 20);
            assertThat(delays[delays.length - 1]).isLessThanOrEqualTo(ceiling).isGreaterThan(ceiling * 19 / 20);
            // Uniform: the median sits near the middle of [0, ceiling].
            assertThat(delays[delays.length / 2]).isBetween(ceiling * 4 / 10, ceiling * 6 / 10);
        }
    }

    @Test
    void theCapHoldsForLateRetries() {
        var random = new Random(1);
        assertThat(IntStream.range(0, 1000).mapToLong(i -> backoff.delay(40, random).toMillis())).allMatch(delay -> delay <= 1000);
    }
}
