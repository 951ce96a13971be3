package dev.sandbox.gateway.ratelimit;

import java.util.Arrays;

import dev.sandbox.common.config.KebabCase;

/** The four classic limiters, each an atomic Lua script in Redis (see src/main/resources/ratelimit). */
public enum Algorithm {
    FIXED_WINDOW, SLIDING_LOG, SLIDING_WINDOW_COUNTER, TOKEN_BUCKET;

    /** As written in configuration and metrics: {@code sliding-window-counter}. */
    public String id() {
        return KebabCase.of(this);
    }

    public static Algorithm of(String id) {
        return Arrays.stream(values()).filter(algorithm -> algorithm.id().equals(id)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown rate-limit algorithm '" + id + "'; one of "
                        + Arrays.stream(values()).map(Algorithm::id).toList()));
    }
}
