package dev.sandbox.gateway.resilience;

import java.time.Duration;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.WithDefault;

/** Retries, breakers and bulkheads per upstream instance: {@code gateway.resilience.*} (a group of the gateway's root mapping). */
public interface ResilienceConfig {

    Retry retry();

    Breaker breaker();

    Bulkhead bulkhead();

    interface Retry {
        /** Attempts in all, the first one included: 1 turns retries off. */
        @WithDefault("3")
        int maxAttempts();

        /** The first retry waits up to this long, the n-th up to base * 2^(n-1), capped. */
        @WithDefault("100ms")
        Duration baseDelay();

        @WithDefault("2s")
        Duration maxDelay();

        /** Request bodies up to this size are kept in memory so an idempotent request can be sent again; larger ones stream and are never retried. */
        @WithDefault("64K")
        MemorySize bufferLimit();
    }

    interface Breaker {
        /** Calls in the rolling window the failure ratio is computed over. */
        @WithDefault("20")
        int requestVolume();

        @WithDefault("0.5")
        double failureRatio();

        /** How long the breaker stays open before letting a trial call through. */
        @WithDefault("5s")
        Duration delay();

        /** Successful trial calls that close it again. */
        @WithDefault("2")
        int successThreshold();
    }

    interface Bulkhead {
        /** Calls in flight to one upstream instance. */
        @WithDefault("64")
        int limit();

        /** Calls waiting for a slot; beyond this, 503 at once. */
        @WithDefault("128")
        int queue();
    }
}
