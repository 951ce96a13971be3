package dev.sandbox.rag.quota;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.quarkus.redis.datasource.RedisDataSource;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;

import dev.sandbox.common.problem.ProblemException;
import dev.sandbox.common.redis.LuaScript;
import dev.sandbox.rag.RagConfig;

/**
 * Per-caller limits in Redis, in fixed one-minute windows: requests per minute and tokens per
 * minute. Counting is one script per limit (an {@code INCRBY}, undone when over the limit), atomic in
 * Redis and one round trip, so N concurrent callers (on any number of instances) never get past the
 * limit together: the request that takes the counter over is refused and its increment undone.
 * A cost known before the answer leaves is charged with the day's usage in the same script; an
 * LLM's, known only after, is reserved up front at an upper bound of what the request can cost, and
 * what it did not use is given back after: the limit holds even before the cost is known. A refusal is a 429 with {@code Retry-After} (seconds to the next window). Usage
 * per caller and day is kept for a week ({@code GET /rag/usage}).
 */
@ApplicationScoped
public class Quotas {

    private static final Logger LOG = Logger.getLogger(Quotas.class);
    /** A day's usage is kept a week, and a day more. */
    private static final int USAGE_TTL_SECONDS = 8 * 24 * 3600;
    /**
     * Takes ARGV[1] from the window counter KEYS[1] if the count stays within ARGV[2] (the first take
     * of a window sets its expiry); returns 1 if taken, 0 if not (the counter as it was). With KEYS[2],
     * a day's usage, and ARGV[3..6] (prompt, completion and embedding tokens, its TTL), a take also
     * adds to the day's usage. One round trip, atomic in Redis.
     */
    private static final LuaScript TAKE = LuaScript.of("""
            local count = redis.call('INCRBY', KEYS[1], ARGV[1])
            if count == tonumber(ARGV[1]) then redis.call('EXPIRE', KEYS[1], 120) end
            if count > tonumber(ARGV[2]) then
              redis.call('DECRBY', KEYS[1], ARGV[1])
              return 0
            end
            if KEYS[2] then
              redis.call('HINCRBY', KEYS[2], 'requests', 1)
              redis.call('HINCRBY', KEYS[2], 'promptTokens', ARGV[3])
              redis.call('HINCRBY', KEYS[2], 'completionTokens', ARGV[4])
              redis.call('HINCRBY', KEYS[2], 'embeddingTokens', ARGV[5])
              redis.call('EXPIRE', KEYS[2], ARGV[6])
            end
            return 1
            """);

    private final RedisDataSource redis;
    private final Redis client;
    private final RagConfig.Quota config;
    private final Clock clock = Clock.systemUTC();

    Quotas(RedisDataSource redis, Redis client, RagConfig config) {
        this.redis = redis;
        this.client = client;
        this.config = config.quota();
    }

    /** Counts one request; 429 when the caller has used this minute's requests. */
    public void countRequest(String subject) {
        var key = "rag:quota:" + subject + ":req:" + minute();
        if (!taken(List.of(key), 1, config.requestsPerMinute())) {
            throw refused("requests", config.requestsPerMinute());
        }
    }

    /** Reserves {@code tokens} of this minute's budget; 429 when they do not fit. */
    public Reservation reserve(String subject, int tokens) {
        var key = tokenKey(subject);
        tooCostly(tokens);
        if (!taken(List.of(key), tokens, config.tokensPerMinute())) {
            throw refused("tokens", config.tokensPerMinute());
        }
        return new Reservation(key, tokens);
    }

    /**
     * Charges a cost known before the answer leaves (the extractive answerer's, or citations alone):
     * this minute's tokens and the day's usage in one round trip, so a refused request adds nothing
     * to the day's usage. 429 when the tokens do not fit.
     */
    public void charge(String subject, Usage usage) {
        var tokens = usage.total();
        tooCostly(tokens);
        if (!taken(List.of(tokenKey(subject), dayKey(subject)), tokens, config.tokensPerMinute(), usage.promptTokens(),
                usage.completionTokens(), usage.embeddingTokens(), USAGE_TTL_SECONDS)) {
            throw refused("tokens", config.tokensPerMinute());
        }
    }

    /** Runs {@link #TAKE} by its digest (its text only when Redis does not have it): 1 when taken. */
    private boolean taken(List<String> keys, Object... args) {
        return TAKE.run((command, script) -> {
            var take = Request.cmd(command == LuaScript.Eval.EVALSHA ? Command.EVALSHA : Command.EVAL).arg(script).arg(keys.size());
            keys.forEach(take::arg);
            for (var arg : args) {
                take.arg(String.valueOf(arg));
            }
            return client.sendAndAwait(take);
        }).toInteger() == 1;
    }

    /** Tokens reserved in one window; {@link #settle} gives back what was not used. */
    public record Reservation(String key, int tokens) {
    }

    /** Gives back what was reserved and not used, and adds the usage to the day's: one pipelined round trip. */
    public void settle(Reservation reservation, String subject, Usage usage) {
        var unused = reservation.tokens() - Math.min(reservation.tokens(), usage.total());
        var day = dayKey(subject);
        var commands = new ArrayList<Request>();
        if (unused > 0) {
            commands.add(Request.cmd(Command.DECRBY).arg(reservation.key()).arg(unused));
        }
        commands.add(Request.cmd(Command.HINCRBY).arg(day).arg("requests").arg(1));
        commands.add(Request.cmd(Command.HINCRBY).arg(day).arg("promptTokens").arg(usage.promptTokens()));
        commands.add(Request.cmd(Command.HINCRBY).arg(day).arg("completionTokens").arg(usage.completionTokens()));
        commands.add(Request.cmd(Command.HINCRBY).arg(day).arg("embeddingTokens").arg(usage.embeddingTokens()));
        commands.add(Request.cmd(Command.EXPIRE).arg(day).arg(USAGE_TTL_SECONDS));
        try {
            client.batchAndAwait(commands);
        } catch (RuntimeException e) {
            LOG.warnf("usage not recorded: %s", e.getClass().getSimpleName());
        }
    }

    /** The caller's usage per day, newest first, the last {@code days} days. */
    public List<Map<String, Object>> usage(String subject, int days) {
        var result = new ArrayList<Map<String, Object>>();
        var today = LocalDate.now(clock);
        for (var i = 0; i < days; i++) {
            var date = today.minusDays(i);
            var values = redis.hash(Long.class).hgetall("rag:usage:" + subject + ":" + date);
            var day = new LinkedHashMap<String, Object>();
            day.put("date", date.toString());
            for (var field : List.of("requests", "promptTokens", "completionTokens", "embeddingTokens")) {
                day.put(field, values.getOrDefault(field, 0L));
            }
            result.add(day);
        }
        return result;
    }

    /** This minute's counts for the caller. */
    public Map<String, Object> thisMinute(String subject) {
        var minute = minute();
        var values = redis.value(Long.class);
        var requests = values.get("rag:quota:" + subject + ":req:" + minute);
        var tokens = values.get("rag:quota:" + subject + ":tok:" + minute);
        var result = new LinkedHashMap<String, Object>();
        result.put("requests", requests == null ? 0 : requests);
        result.put("requestsPerMinute", config.requestsPerMinute());
        result.put("tokens", tokens == null ? 0 : tokens);
        result.put("tokensPerMinute", config.tokensPerMinute());
        return result;
    }

    private String tokenKey(String subject) {
        return "rag:quota:" + subject + ":tok:" + minute();
    }

    private String dayKey(String subject) {
        return "rag:usage:" + subject + ":" + LocalDate.now(clock);
    }

    private void tooCostly(int tokens) {
        if (tokens > config.tokensPerMinute()) {
            throw new ProblemException(413, "request-too-costly", "Request too costly",
                    "This request may cost " + tokens + " tokens, more than the " + config.tokensPerMinute() + " allowed per minute.");
        }
    }

    private long minute() {
        return Instant.now(clock).getEpochSecond() / 60;
    }

    private ProblemException refused(String what, int limit) {
        var retryAfter = 60 - Instant.now(clock).atZone(ZoneOffset.UTC).getSecond();
        return new ProblemException(429, "quota-exceeded", "Quota exceeded",
                "At most " + limit + " " + what + " per minute; try again in " + retryAfter + " s.", List.of(),
                Map.of("Retry-After", String.valueOf(Math.max(1, retryAfter))));
    }
}
