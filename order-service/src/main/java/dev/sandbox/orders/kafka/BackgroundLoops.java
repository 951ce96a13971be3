package dev.sandbox.orders.kafka;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.quarkus.runtime.ShutdownEvent;

/**
 * The service's background loops (outbox relay, payment processor, payment results). At shutdown,
 * after HTTP has drained, each finishes and commits the batch in hand, then closes its clients.
 */
@ApplicationScoped
public class BackgroundLoops {

    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(20);

    private final List<BackgroundLoop> loops = new CopyOnWriteArrayList<>();

    public void start(String name, BackgroundLoop.Worker worker) {
        loops.add(new BackgroundLoop(name, worker));
    }

    void stop(@Observes ShutdownEvent event) {
        loops.forEach(BackgroundLoop::requestStop);
        loops.forEach(loop -> loop.awaitStop(STOP_TIMEOUT));
    }
}
