package dev.sandbox.orders.kafka;

import java.time.Duration;

import org.jboss.logging.Logger;

/**
 * A worker run step after step on a thread of its own, until stopped. A failed step closes the
 * worker's clients (the next step starts afresh from what the servers committed) and the loop
 * pauses, longer after each failure in a row (up to 5 s): a dead broker or database costs a log
 * line every few seconds, not a busy loop. Stopping lets the current step finish: a batch in
 * progress is committed, not abandoned. Started and stopped through {@link BackgroundLoops}.
 */
public final class BackgroundLoop {

    private static final Logger LOG = Logger.getLogger(BackgroundLoop.class);
    private static final Duration MAX_PAUSE = Duration.ofSeconds(5);

    /** One role's work: a poll, and what it brought. */
    public interface Worker {

        void step() throws Exception;

        /** Closes the worker's clients; called after a failed step and when the loop stops. */
        void close();
    }

    private final String name;
    private final Worker worker;
    private final Thread thread;
    private volatile boolean running = true;

    BackgroundLoop(String name, Worker worker) {
        this.name = name;
        this.worker = worker;
        this.thread = Thread.ofPlatform().name(name).daemon().start(this::run);
    }

    /** Asks the loop to stop after its current step. */
    void requestStop() {
        running = false;
    }

    /** Waits for the loop to stop, at most {@code timeout}. */
    void awaitStop(Duration timeout) {
        try {
            if (!thread.join(timeout)) {
                LOG.warnf("%s did not stop within %s", name, timeout);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        var failures = 0;
        while (running) {
            try {
                worker.step();
                failures = 0;
            } catch (Exception e) {
                failures++;
                var pause = pause(failures);
                if (failures == 1) {
                    LOG.warnf(e, "%s failed; starting over in %d ms", name, pause.toMillis());
                } else {
                    LOG.warnf("%s failed again (%d in a row): %s; starting over in %d ms", name, failures, e, pause.toMillis());
                }
                worker.close();
                sleep(pause);
            }
        }
        worker.close();
    }

    private static Duration pause(int failures) {
        var millis = 100L << Math.min(failures, 6);
        return Duration.ofMillis(Math.min(millis, MAX_PAUSE.toMillis()));
    }

    private void sleep(Duration pause) {
        // Sleep in slices, so that a stop does not wait for the whole pause.
        var until = System.nanoTime() + pause.toNanos();
        while (running && System.nanoTime() < until) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
