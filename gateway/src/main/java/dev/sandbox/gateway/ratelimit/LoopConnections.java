package dev.sandbox.gateway.ratelimit;

import java.net.URI;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.netty.channel.EventLoop;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.impl.ContextInternal;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

/**
 * The limiter's Redis connections: one per event loop, opened from that loop and used only by calls
 * made on it. A request's limiter call is written and its answer read on the request's own loop, with
 * no task handed to another thread, and the calls of one loop share one connection, pipelined (several
 * commands in flight, answered in order), instead of each leasing a pooled connection of its own: fewer
 * hand-overs, fewer writes and reads for Redis too. Each call is still one atomic script in Redis, so
 * the count is as exact as before.
 *
 * <p>Failure handling: a connection that fails or closes is dropped, and the loop's next call opens a
 * new one; the calls in flight on it fail (the limiter's fail mode decides, as for any Redis failure).
 * A call from a thread that is not an event loop (a test, a worker) goes through the small pool of the
 * same client, one leased connection per command.
 */
final class LoopConnections implements AutoCloseable {

    private final Redis client;
    private final ConcurrentHashMap<EventLoop, Future<RedisConnection>> byLoop = new ConcurrentHashMap<>();

    /** {@code hosts}: quarkus.redis.hosts, a standalone Redis (the first one when several are listed). */
    LoopConnections(Vertx vertx, Set<URI> hosts) {
        var loops = 0;
        for (var ignored : vertx.nettyEventLoopGroup()) {
            loops++;
        }
        // One connection per loop, plus a few for calls from other threads.
        this.client = Redis.createClient(vertx, new RedisOptions()
                .setConnectionString(hosts.iterator().next().toString())
                .setMaxPoolSize(loops + 4)
                .setMaxPoolWaiting(2048));
    }

    Uni<Response> send(Request request) {
        var context = Vertx.currentContext();
        if (context == null || !context.isEventLoopContext()) {
            return uni(client.send(request));
        }
        return uni(connection(context).compose(connection -> connection.send(request)));
    }

    /** Straight from the Vert.x future to the Uni, on the thread that completes it (no CompletionStage between). */
    private static Uni<Response> uni(Future<Response> reply) {
        return Uni.createFrom().emitter(emitter -> reply.onComplete(emitter::complete, emitter::fail));
    }

    private Future<RedisConnection> connection(Context context) {
        var loop = ((ContextInternal) context).nettyEventLoop();
        var connection = byLoop.get(loop);
        if (connection != null) {
            return connection;
        }
        // Opened from this loop's context, the connection's socket lives on this loop.
        var opened = client.connect();
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

    private void forget(EventLoop loop, Future<RedisConnection> entry, RedisConnection connection) {
        if (byLoop.remove(loop, entry)) {
            connection.close();
        }
    }

    @Override
    public void close() {
        client.close();
    }
}
