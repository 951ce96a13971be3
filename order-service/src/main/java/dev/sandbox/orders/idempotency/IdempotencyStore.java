package dev.sandbox.orders.idempotency;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;

import org.jboss.logging.Logger;

import dev.sandbox.common.problem.ProblemException;
import dev.sandbox.orders.OrdersConfig;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.value.SetArgs;
import io.quarkus.redis.datasource.value.ValueCommands;

/**
 * Idempotency records in Redis, one key each, expiring on their own. Any Redis failure is a 503:
 * a request is never executed without the protection.
 */
@ApplicationScoped
public class IdempotencyStore {

    private static final Logger LOG = Logger.getLogger(IdempotencyStore.class);

    /** Deletes the key only if the record is still the caller's: a late release never frees someone else's claim. */
    private static final String RELEASE = """
            local current = redis.call('GET', KEYS[1])
            if current and cjson.decode(current)['owner'] == ARGV[1] then
              return redis.call('DEL', KEYS[1])
            end
            return 0""";

    /** Looked up on use: processors run without Redis, and there the client is inactive. */
    private final Instance<RedisDataSource> redis;
    private final String prefix;

    IdempotencyStore(Instance<RedisDataSource> redis, OrdersConfig orders) {
        this.redis = redis;
        this.prefix = orders.idempotency().keyPrefix();
    }

    private ValueCommands<String, IdempotencyRecord> records() {
        return redis.get().value(IdempotencyRecord.class);
    }

    /**
     * Takes the key for a request ({@code SET NX}, with a lease), or returns the record that holds
     * it: one atomic command ({@code SET ... NX GET}), so two requests never both take it.
     */
    public Optional<IdempotencyRecord> claim(String key, IdempotencyRecord claim, Duration lease) {
        return call(() -> Optional.ofNullable(records().setGet(prefix + key, claim, new SetArgs().nx().px(lease))));
    }

    public Optional<IdempotencyRecord> get(String key) {
        return call(() -> Optional.ofNullable(records().get(prefix + key)));
    }

    public void complete(String key, IdempotencyRecord done, Duration ttl) {
        call(() -> {
            records().set(prefix + key, done, new SetArgs().px(ttl));
            return null;
        });
    }

    public void release(String key, String owner) {
        call(() -> redis.get().execute("EVAL", RELEASE, "1", prefix + key, owner));
    }

    /** Whether Redis answers, for readiness. */
    public boolean ping() {
        try {
            redis.get().execute("PING");
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static <T> T call(Supplier<T> command) {
        try {
            return command.get();
        } catch (ProblemException e) {
            throw e;
        } catch (RuntimeException e) {
            LOG.warnf("Redis command failed: %s", e);
            throw new ProblemException(503, "idempotency-store-unavailable", "Service unavailable",
                    "The idempotency store cannot be reached, so the request was not executed; retry later.",
                    List.of(), Map.of("Retry-After", "2"));
        }
    }
}
