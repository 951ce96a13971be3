package dev.sandbox.gateway.ratelimit;

import java.time.Duration;

/** L requests per window W, counted under one key. */
public record Limit(String key, int limit, Duration window) {
}
