package dev.sandbox.gateway.ratelimit;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import io.netty.channel.EventLoop;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.impl.ContextInternal;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

/**
 * The limiter's Redis connections: one per event loop, living on that loop and used only by calls
 * made on it. A request's limiter call is written and its answer read on the request's own loop, with
 * no task handed to another thread, and the calls of one loop share one connection, pipelined (several
 * commands in flight, answered in order), instead of each leasing a pooled connection of its own: fewer
 * hand-overs, fewer writes and reads for Redis too. Each call is still one atomic script in Redis, so
 * the count is as exact as before.
 *
 * <p>Each loop's connection comes from a client of that loop's own, created on it with the options
 * Quarkus built for its Redis client ({@link QuarkusRedisOptions}: one configuration for the whole
 * gateway). One client per loop because a Vert.x Redis client opens every connection of its pool on the
 * loop it was created on, whichever loop asks.
 *
 * <p>Failure handling: a connection that fails or closes is dropped, and the loop's next call opens a
 * new one; the calls in flight on it fail (the limiter's fail mode decides, as for any Redis failure).
 * A call from a thread that is not an event loop (a test, a worker) goes through Quarkus' own client,
 * one pooled connection per command.
 */
final class LoopConnections implements AutoCloseable {

    private final Redis shared;
    private final QuarkusRedisOptions options;
    private final ConcurrentHashMap<EventLoop, Redis> clients = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<EventLoop, Future<RedisConnection>> byLoop = new ConcurrentHashMap<>();
    private final AtomicInteger loopNumbers = new AtomicInteger();

    /** {@code shared}: the Quarkus-managed client; {@code options}: the options it was built with. */
    LoopConnections(Redis shared, QuarkusRedisOptions options) {
        this.shared = shared;
        this.options = options;
    }

    Uni<Response> send(Request request) {
        var context = Vertx.currentContext();
        if (context == null || !context.isEventLoopContext() || !Context.isOnEventLoopThread()) {
            return uni(shared.send(request));
        }
        return uni(connection((ContextInternal) context).compose(connection -> connection.send(request)));
    }

    /** Straight from the Vert.x future to the Uni, on the thread that completes it (no CompletionStage between). */
    private static Uni<Response> uni(Future<Response> reply) {
        return Uni.createFrom().emitter(emitter -> reply.onComplete(emitter::complete, emitter::fail));
    }

    private Future<RedisConnection> connection(ContextInternal context) {
        var loop = context.nettyEventLoop();
        var connection = byLoop.get(loop);
        if (connection != null) {
            return connection;
        }
        var opened = client(context).connect();
        var raced = byLoop.putIfAbsent(loop, opened);
        if (raced != null) {
            opened.onSuccess(RedisConnection::close);
            return raced;
        }
        opened.onSuccess(open -> {
            open.exceptionHandler(failure -> forget(loop, opened, open));
            open.endHandler(ended -> forget(loop, opened, open));
        }).onFailure(failure -> byLoop.remove(loop, opened));
        return opened;
    }

    /** The loop's client, created on the loop's own context (not the request's), which its connections keep. */
    private Redis client(ContextInternal context) {
        return clients.computeIfAbsent(context.nettyEventLoop(), loop -> {
            var created = new Redis[1];
            var own = context.unwrap();
            // Its own pool name: the pool's metrics would otherwise collide with those of Quarkus' client.
            var named = options.copy().setPoolName("ratelimit-loop-" + loopNumbers.incrementAndGet());
            own.emit(null, ignored -> created[0] = Redis.createClient(own.owner(), named));
            return created[0];
        });
    }

    private void forget(EventLoop loop, Future<RedisConnection> entry, RedisConnection connection) {
        if (byLoop.remove(loop, entry)) {
            connection.close();
        }
    }

    /** Closes the limiter's own clients; Quarkus closes its own. */
    @Override
    public void close() {
        clients.values().forEach(Redis::close);
    }
}
