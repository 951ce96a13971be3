package dev.sandbox.orders.idempotency;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.sandbox.common.problem.Problem;
import dev.sandbox.common.problem.ProblemException;
import dev.sandbox.orders.OrdersConfig;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Executes a request at most once per idempotency key, and answers its retries with the stored
 * response:
 * <ul>
 * <li>the first request takes the key in Redis (with a lease), executes, and stores its response;</li>
 * <li>a retry with the same body gets that response again, marked {@code Idempotent-Replayed: true};</li>
 * <li>a duplicate that arrives while the first still executes waits for its response (at most
 * {@code orders.idempotency.duplicate-wait}), then gets 409 with Retry-After;</li>
 * <li>the same key with a different body is refused with 422.</li>
 * </ul>
 * Redis is the fast path, not the last line: the action itself must also be idempotent per key
 * (orders have a unique key column), for a retry that comes after Redis forgot the key.
 */
@ApplicationScoped
public class IdempotentRequests {

    private static final Logger LOG = Logger.getLogger(IdempotentRequests.class);
    private static final long POLL_MILLIS = 25;

    /** A request to execute once: its key, and the fingerprint of its canonical body. */
    public record Request(String key, String fingerprint) {
    }

    /** The response to send, and whether it is a replay of an earlier execution. */
    public record Result(StoredResponse response, boolean replayed) {
    }

    /** The work done once per key; it may find it was done before (then {@code replayed}). */
    @FunctionalInterface
    public interface Action {
        Result execute();
    }

    private final IdempotencyStore store;
    private final IdempotencyConfig config;
    private final ObjectMapper mapper;
    private final MeterRegistry registry;

    IdempotentRequests(IdempotencyStore store, OrdersConfig orders, ObjectMapper mapper, MeterRegistry registry) {
        this.store = store;
        this.config = orders.idempotency();
        this.mapper = mapper;
        this.registry = registry;
    }

    /** A request with the SHA-256 of {@code canonicalBody} as JSON: equal bodies, equal fingerprints. */
    public Request request(String key, Object canonicalBody) {
        try {
            var digest = MessageDigest.getInstance("SHA-256").digest(mapper.writeValueAsBytes(canonicalBody));
            return new Request(key, HexFormat.of().formatHex(digest));
        } catch (NoSuchAlgorithmException | JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public Result execute(Request request, Action action) {
        var owner = UUID.randomUUID().toString();
        var deadline = System.nanoTime() + config.duplicateWait().toNanos();
        while (true) {
            var holder = store.claim(request.key(), new IdempotencyRecord(request.fingerprint(), owner, null), config.lease());
            if (holder.isEmpty()) {
                return executeAsOwner(request, owner, action);
            }
            var record = holder.get();
            if (!record.requestHash().equals(request.fingerprint())) {
                throw keyReused();
            }
            if (record.completed()) {
                count("replayed");
                return new Result(record.response(), true);
            }
            // Another request holds the key and executes: wait for its response, or for the key to
            // be released (it failed) and try to take it.
            if (System.nanoTime() > deadline) {
                count("conflict");
                throw new ProblemException(409, "idempotency-in-flight", "Request in progress",
                        "A request with this Idempotency-Key is still being processed; retry later to get its response.",
                        List.of(), Map.of("Retry-After", "1"));
            }
            sleep();
        }
    }

    private Result executeAsOwner(Request request, String owner, Action action) {
        Result result;
        try {
            result = action.execute();
        } catch (RuntimeException e) {
            // Nothing was done (the action's transaction rolled back): free the key for a retry.
            try {
                store.release(request.key(), owner);
            } catch (ProblemException unavailable) {
                LOG.warnf("cannot release idempotency key %s; it frees itself after %s", request.key(), config.lease());
            }
            throw e;
        }
        try {
            store.complete(request.key(), new IdempotencyRecord(request.fingerprint(), owner, result.response()), config.ttl());
        } catch (ProblemException unavailable) {
            // The work is done and committed: answer it. A retry finds it through the action's own key.
            LOG.warnf("cannot store the response for idempotency key %s; a retry finds the result through the action's own key",
                    request.key());
        }
        count(result.replayed() ? "replayed" : "executed");
        return result;
    }

    private void count(String outcome) {
        registry.counter("orders.idempotent.requests", "outcome", outcome).increment();
    }

    public static ProblemException keyReused() {
        return new ProblemException(422, "idempotency-key-reused", "Idempotency-Key reused",
                "This Idempotency-Key was used with a different request body; use a new key for a new request.",
                List.of(new Problem.FieldError("Idempotency-Key", "already used for a different request")), Map.of());
    }

    private static void sleep() {
        try {
            Thread.sleep(POLL_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a concurrent request", e);
        }
    }
}
