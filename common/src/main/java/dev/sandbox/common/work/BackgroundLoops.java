package dev.sandbox.common.work;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.quarkus.runtime.ShutdownEvent;

/**
 * The service's background loops (an outbox relay, a consumer, a sink). At shutdown, after HTTP
 * has drained, each finishes and commits the batch in hand, then closes its clients.
 */
@ApplicationScoped
public class BackgroundLoops {

    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(20);

    private final List<BackgroundLoop> loops = new CopyOnWriteArrayList<>();

    public BackgroundLoop start(String name, BackgroundLoop.Worker worker) {
        var loop = new BackgroundLoop(name, worker);
        loops.add(loop);
        loop.start();
        return loop;
    }

    void stop(@Observes ShutdownEvent event) {
        loops.forEach(BackgroundLoop::requestStop);
        loops.forEach(loop -> loop.awaitStop(STOP_TIMEOUT));
    }
}
