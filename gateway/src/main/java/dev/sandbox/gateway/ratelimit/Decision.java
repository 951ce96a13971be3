package dev.sandbox.gateway.ratelimit;

import dev.sandbox.common.config.KebabCase;

/**
 * A limiter's answer for one request, and what the client is told in the {@code RateLimit-*} and
 * {@code Retry-After} headers.
 *
 * @param outcome     allowed or rejected by the limit, or let through or refused because Redis did not answer
 * @param resetMillis until the limit is fully available again (RateLimit-Reset)
 * @param retryAfterMillis until a rejected request may succeed (Retry-After)
 */
public record Decision(Outcome outcome, int limit, long remaining, long resetMillis, long retryAfterMillis) {

    public enum Outcome {
        ALLOWED, REJECTED, FAIL_OPEN, FAIL_CLOSED, UNLIMITED;

        public String id() {
            return KebabCase.of(this);
        }
    }

    public boolean admitted() {
        return outcome == Outcome.ALLOWED || outcome == Outcome.FAIL_OPEN || outcome == Outcome.UNLIMITED;
    }

    /** Whole seconds, rounded up: "retry after 0 s" would invite an immediate, useless retry. */
    static long seconds(long millis) {
        return Math.max(1, (millis + 999) / 1000);
    }

    public long resetSeconds() {
        return seconds(resetMillis);
    }

    public long retryAfterSeconds() {
        return seconds(retryAfterMillis);
    }
}
