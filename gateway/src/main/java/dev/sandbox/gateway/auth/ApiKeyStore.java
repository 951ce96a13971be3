package dev.sandbox.gateway.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import dev.sandbox.common.problem.ProblemException;
import dev.sandbox.gateway.GatewayConfig;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.hash.ReactiveHashCommands;
import io.smallrye.mutiny.Uni;

/**
 * API keys, stored in Redis under the SHA-256 of the key, never the key itself: a dump of Redis
 * gives no usable key. A plain fast hash is enough here (unlike passwords) because keys are long
 * random strings: there is no dictionary to try. Each key has an id (its rate-limit identity), a
 * tier and scopes.
 */
@ApplicationScoped
public class ApiKeyStore {

    private static final String PREFIX = "gateway:api-keys:";

    private final ReactiveHashCommands<String, String, String> hashes;
    private final Duration timeout;

    public ApiKeyStore(ReactiveRedisDataSource redis, GatewayConfig config) {
        this.hashes = redis.hash(String.class);
        this.timeout = config.redisTimeout();
    }

    /** The caller a presented key stands for, or empty for an unknown key. */
    public Uni<Optional<Caller>> find(String presentedKey) {
        return hashes.hgetall(PREFIX + sha256(presentedKey))
                .ifNoItem().after(timeout).fail()
                // Not the caller's fault: no 401, a 503 that says to come back.
                .onFailure().transform(failure -> new ProblemException(503, "auth-unavailable", "Authentication unavailable",
                        "API keys cannot be checked right now.", List.of(), Map.of("Retry-After", "1")))
                .map(fields -> fields == null || fields.isEmpty() ? Optional.empty() : Optional.of(caller(fields)));
    }

    /** Stores a key (hashed) with what it grants; used by the demo-key seeding and by tests. */
    public Uni<Void> store(String key, String id, String tier, Set<String> scopes) {
        return hashes.hset(PREFIX + sha256(key), Map.of("id", id, "tier", tier, "scopes", String.join(" ", scopes)))
                .replaceWithVoid();
    }

    private static Caller caller(Map<String, String> fields) {
        var scopes = fields.getOrDefault("scopes", "").isBlank() ? Set.<String>of()
                : new HashSet<>(Arrays.asList(fields.get("scopes").trim().split("\\s+")));
        return new Caller(Caller.Kind.API_KEY, fields.get("id"), fields.getOrDefault("tier", "free"), scopes);
    }

    static String sha256(String key) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
