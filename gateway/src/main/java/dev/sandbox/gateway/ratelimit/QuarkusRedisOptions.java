package dev.sandbox.gateway.ratelimit;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.redis.client.RedisOptionsCustomizer;
import io.vertx.redis.client.RedisOptions;

/**
 * The options Quarkus built for its default Redis client from {@code quarkus.redis.*} (hosts,
 * password, TLS, timeouts, pool, every one of them): Quarkus hands them to each customizer just
 * before it creates the client, at startup. The limiter opens its per-loop connections with a copy
 * of them, so the limiter and the rest of the gateway are configured in one place.
 */
@ApplicationScoped
public class QuarkusRedisOptions implements RedisOptionsCustomizer {

    /** Quarkus' name of the client configured by {@code quarkus.redis.*} without a client name. */
    private static final String DEFAULT_CLIENT = "<default>";

    private volatile RedisOptions options;

    @Override
    public void customize(String clientName, RedisOptions options) {
        if (DEFAULT_CLIENT.equals(clientName)) {
            this.options = new RedisOptions(options);
        }
    }

    /** A copy of the default client's options; Quarkus creates that client before any request. */
    RedisOptions copy() {
        var built = options;
        if (built == null) {
            throw new IllegalStateException("Quarkus has not created its default Redis client (quarkus.redis.hosts)");
        }
        return new RedisOptions(built);
    }
}
