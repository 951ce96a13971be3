package dev.sandbox.common.work;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * A pause that grows with each failure in a row: the n-th one waits up to
 * {@code min(cap, base * 2^(n-1))} ({@link #ceiling}). Background loops wait exactly that;
 * clients retrying a shared upstream wait a uniformly random time below it ({@link #delay}, full
 * jitter): after a blip, clients that failed together would otherwise retry together, in
 * synchronized waves that knock it over again. (SmallRye Fault Tolerance's
 * {@code @ExponentialBackoff} jitter is a +/- band around the delay, not full jitter, hence this
 * small class.)
 */
public record Backoff(Duration base, Duration cap) {

    /** The longest wait before retry number {@code retry} (1 for the first retry). */
    public Duration ceiling(int retry) {
        return Duration.ofMillis(Math.min(cap.toMillis(), base.toMillis() << Math.min(Math.max(retry - 1, 0), 30)));
    }

    /** A uniformly random wait in [0, {@link #ceiling}] before retry number {@code retry}. */
    public Duration delay(int retry, RandomGenerator random) {
        return Duration.ofMillis(random.nextLong(ceiling(retry).toMillis() + 1));
    }
}
