package dev.sandbox.infra.testing;

import java.util.Arrays;

/**
 * Percentiles of latency samples, one definition for every bench: nearest rank (the 99th of 100
 * samples, the 990th of 1,000, never interpolated), so that two figures set beside each other in a
 * ratio are taken at the same depth of their tails.
 */
public final class Percentiles {

    private Percentiles() {
    }

    /** The {@code percent}-th percentile of {@code samples} (left as they are), by nearest rank. */
    public static double nearestRank(double[] samples, double percent) {
        var sorted = samples.clone();
        Arrays.sort(sorted);
        var rank = (int) Math.ceil(percent / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }
}
