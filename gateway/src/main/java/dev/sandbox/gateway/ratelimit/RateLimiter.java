package dev.sandbox.gateway.ratelimit;

import io.smallrye.mutiny.Uni;

/** Decides whether one more request fits in a limit. Atomic: concurrent callers on any instance see one count. */
public interface RateLimiter {

    Algorithm algorithm();

    /** Admits the request and counts it, or rejects it; fails if the store does not answer. */
    Uni<Decision> acquire(Limit limit);
}
