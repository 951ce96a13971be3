package dev.sandbox.gateway.resilience;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Exponential backoff with full jitter: the n-th retry waits a uniformly random time in
 * [0, min(cap, base * 2^(n-1))]. The randomness is the point: after an upstream blip, clients that
 * failed together would otherwise retry together, in synchronized waves that knock it over again.
 * (SmallRye Fault Tolerance's {@code @ExponentialBackoff} jitter is a +/- band around the delay,
 * not full jitter, hence this small class.)
 */
public record Backoff(Duration base, Duration cap) {

    /** The wait before retry number {@code retry} (1 for the first retry). */
    public Duration delay(int retry, RandomGenerator random) {
        var ceiling = Math.min(cap.toMillis(), base.toMillis() << Math.min(retry - 1, 30));
        return Duration.ofMillis(random.nextLong(ceiling + 1));
    }
}
