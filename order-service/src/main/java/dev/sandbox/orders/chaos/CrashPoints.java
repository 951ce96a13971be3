package dev.sandbox.orders.chaos;

import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * Halts the process at a named point, with the configured probability: {@link Runtime#halt} runs
 * no shutdown hook, closes no client, commits nothing, like kill -9 or a power cut. Tests use it to
 * crash exactly between two writes, where luck with a kill -9 would be needed otherwise.
 */
@ApplicationScoped
public class CrashPoints {

    /** The exit status of a halt at a crash point: tests tell it from other deaths. */
    public static final int EXIT_STATUS = 86;

    private final CrashConfig config;

    CrashPoints(CrashConfig config) {
        this.config = config;
    }

    public void reach(CrashPoint point) {
        var probability = config.probability(point);
        if (probability > 0 && ThreadLocalRandom.current().nextDouble() < probability) {
            // Straight to stderr: the log handlers may be asynchronous, and nothing runs after halt.
            System.err.println("crash point " + point.name().toLowerCase(Locale.ROOT).replace('_', '-') + " reached: halting");
            System.err.flush();
            Runtime.getRuntime().halt(EXIT_STATUS);
        }
    }
}
