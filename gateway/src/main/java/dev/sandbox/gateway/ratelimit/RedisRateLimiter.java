package dev.sandbox.gateway.ratelimit;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import io.smallrye.mutiny.Uni;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;

import dev.sandbox.common.context.NoPropagation;
import dev.sandbox.common.redis.LuaScript;

/**
 * One algorithm as a Lua script in Redis: the read, the decision and the write happen in one
 * atomic step on the server, so N gateway instances firing at once can never both take the last
 * slot, and all of them read the same clock (Redis' own TIME).
 */
public final class RedisRateLimiter implements RateLimiter {

    private final Algorithm algorithm;
    private final LuaScript script;
    private final LoopConnections redis;

    RedisRateLimiter(Algorithm algorithm, LoopConnections redis) {
        this.algorithm = algorithm;
        this.script = LuaScript.resource(RedisRateLimiter.class, "/ratelimit/" + algorithm.id() + ".lua");
        this.redis = redis;
    }

    @Override
    public Algorithm algorithm() {
        return algorithm;
    }

    /** The digest of the script, for {@code redis-benchmark EVALSHA} runs. */
    public String scriptSha1() {
        return script.sha1();
    }

    @Override
    public Uni<Decision> acquire(Limit limit) {
        return NoPropagation.assemble(() -> acquire(limit, 1).map(Grant::decision));
    }

    /**
     * Takes up to {@code permits} slots at once, in the same atomic step: as many as still fit, or
     * none (rejected). The sliding log grants one at a time, whatever is asked.
     */
    public Uni<Grant> acquire(Limit limit, int permits) {
        // The sliding log stores one member per admitted request: it must be unique (128 random bits).
        // The other scripts ignore it: they are not handed a new one per request.
        var member = algorithm == Algorithm.SLIDING_LOG ? uniqueMember() : "-";
        var limitArg = String.valueOf(limit.limit());
        var windowArg = String.valueOf(limit.window().toMillis());
        var permitsArg = String.valueOf(permits);
        // Reading the reply needs none of the caller's contexts (see NoPropagation); the caller's own
        // operators on the result still run in them.
        return NoPropagation.assemble(() -> script.runAsync((command, source) -> redis.send(
                        Request.cmd(command == LuaScript.Eval.EVALSHA ? Command.EVALSHA : Command.EVAL)
                                .arg(source).arg(1).arg(limit.key()).arg(limitArg).arg(windowArg).arg(member).arg(permitsArg)))
                .map(reply -> {
                    var granted = reply.get(0).toInteger();
                    return new Grant(granted, new Decision(granted > 0 ? Decision.Outcome.ALLOWED : Decision.Outcome.REJECTED,
                            limit.limit(), reply.get(1).toLong(), reply.get(2).toLong(), reply.get(3).toLong()));
                }));
    }

    private static String uniqueMember() {
        var random = ThreadLocalRandom.current();
        return new UUID(random.nextLong(), random.nextLong()).toString();
    }

    /** The permits Redis granted (0 when rejected), and the decision for the request that asked. */
    public record Grant(int permits, Decision decision) {
    }
}
