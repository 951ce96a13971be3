package dev.sandbox.rag.chaos;

import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

import jakarta.enterprise.context.ApplicationScoped;

import dev.sandbox.rag.RagConfig;

/**
 * Halts the process at a named point, with the configured probability: {@link Runtime#halt} runs no
 * shutdown hook, commits and acknowledges nothing, like kill -9. The same pattern as
 * order-service's crash points.
 */
@ApplicationScoped
public class CrashPoints {

    /** The exit status of a halt at a crash point: tests tell it from other deaths. */
    public static final int EXIT_STATUS = 86;

    private final RagConfig.Chaos config;

    CrashPoints(RagConfig config) {
        this.config = config.chaos();
    }

    public void reach(CrashPoint point) {
        var probability = switch (point) {
            case BEFORE_INDEX_COMMIT -> config.crashBeforeIndexCommit();
            case AFTER_INDEX_COMMIT -> config.crashAfterIndexCommit();
        };
        if (probability > 0 && ThreadLocalRandom.current().nextDouble() < probability) {
            System.err.println("crash point " + point.name().toLowerCase(Locale.ROOT).replace('_', '-') + " reached: halting");
            System.err.flush();
            Runtime.getRuntime().halt(EXIT_STATUS);
        }
    }
}
