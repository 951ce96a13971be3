package dev.sandbox.gateway.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.sandbox.infra.Component;
import dev.sandbox.infra.testing.TestInfrastructure;
import dev.sandbox.infra.testing.WithInfrastructure;
import io.quarkus.test.junit.QuarkusTest;
import redis.clients.jedis.Jedis;

/**
 * Redis forgets its scripts (a restart, a {@code SCRIPT FLUSH}): the limiter's next {@code EVALSHA}
 * gets {@code NOSCRIPT}, and the decision is sent again with the script's text, from the thread of
 * Redis' answer. Every algorithm still decides, and the count goes on where it was.
 */
@QuarkusTest
@WithInfrastructure({Component.REDIS})
class ScriptReloadTest {

    @Inject
    RateLimits rateLimits;

    @Test
    void decisionsGoOnAfterRedisForgotTheScripts() {
        for (var algorithm : Algorithm.values()) {
            var limiter = rateLimits.limiter(algorithm);
            var limit = new Limit("test:reload:{" + UUID.randomUUID() + "}", 3, Duration.ofMinutes(1));
            assertThat(decide(limiter, limit).remaining()).as("%s, first decision", algorithm).isEqualTo(2);
            flushScripts();
            var afterFlush = decide(limiter, limit);
            assertThat(afterFlush.outcome()).as("%s, after SCRIPT FLUSH", algorithm).isEqualTo(Decision.Outcome.ALLOWED);
            assertThat(afterFlush.remaining()).as("%s, the count went on", algorithm).isEqualTo(1);
        }
    }

    private static Decision decide(RateLimiter limiter, Limit limit) {
        return limiter.acquire(limit).await().atMost(Duration.ofSeconds(5));
    }

    private static void flushScripts() {
        try (var redis = new Jedis(TestInfrastructure.current().endpoints().redis().uri())) {
            redis.scriptFlush();
        }
    }
}
