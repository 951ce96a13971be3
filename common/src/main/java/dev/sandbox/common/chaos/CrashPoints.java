package dev.sandbox.common.chaos;

import java.util.concurrent.ThreadLocalRandom;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * Halts the process at a named point: {@link Runtime#halt} runs no shutdown hook, closes no
 * client, commits nothing, like kill -9 or a power cut. Tests use it to crash exactly between two
 * writes, where luck with a kill -9 would be needed otherwise. Each service says in its own
 * configuration when a point halts (a probability, or the n-th time it is reached); point names
 * are kebab-case, as in that configuration.
 */
@ApplicationScoped
public class CrashPoints {

    /** The exit status of a halt at a crash point: tests tell it from other deaths. */
    public static final int EXIT_STATUS = 86;

    /** Halts at {@code point} with {@code probability}: 0 never, 1 the first time it is reached. */
    public void reach(String point, double probability) {
        if (probability > 0 && ThreadLocalRandom.current().nextDouble() < probability) {
            halt(point);
        }
    }

    /** Halts at {@code point} now. */
    public void halt(String point) {
        // Straight to stderr: the log handlers may be asynchronous, and nothing runs after halt.
        System.err.println("crash point " + point + " reached: halting");
        System.err.flush();
        Runtime.getRuntime().halt(EXIT_STATUS);
    }
}
