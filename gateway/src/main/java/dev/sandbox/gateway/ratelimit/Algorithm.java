package dev.sandbox.gateway.ratelimit;

import dev.sandbox.common.config.KebabCase;

/**
 * The four classic limiters, each an atomic Lua script in Redis (see src/main/resources/ratelimit).
 * SmallRye reads them in kebab-case ({@code sliding-window-counter}) and refuses any other value at start.
 */
public enum Algorithm {
    FIXED_WINDOW, SLIDING_LOG, SLIDING_WINDOW_COUNTER, TOKEN_BUCKET;

    /** As written in configuration and metrics: {@code sliding-window-counter}. */
    public String id() {
        return KebabCase.of(this);
    }
}
