package dev.sandbox.common.work;

import java.time.Duration;

import org.jboss.logging.Logger;

/**
 * A worker run step after step on a thread of its own, until stopped. A failed step closes the
 * worker's clients (the next step starts afresh from what the servers committed) and the loop
 * pauses, longer after each failure in a row (200 ms, doubling, up to 5 s): a dead broker or
 * database costs a log line every few seconds, not a busy loop. Stopping lets the current step
 * finish: a batch in progress is committed, not abandoned. Started and stopped through
 * {@link BackgroundLoops}.
 */
public final class BackgroundLoop {

    private static final Logger LOG = Logger.getLogger(BackgroundLoop.class);
    private static final Backoff PAUSES = new Backoff(Duration.ofMillis(200), Duration.ofSeconds(5));
    /** The loop whose thread this is: a worker's step pauses through it ({@link #pauseUnlessStopping}). */
    private static final ThreadLocal<BackgroundLoop> CURRENT = new ThreadLocal<>();

    /** One role's work: a poll, and what it brought. */
    public interface Worker {

        void step() throws Exception;

        /** Closes the worker's clients; called after a failed step and when the loop stops. */
        void close();
    }

    private final String name;
    private final Worker worker;
    private final Thread thread;
    private volatile boolean running;
    private volatile Exception lastFailure;

    BackgroundLoop(String name, Worker worker) {
        this.name = name;
        this.worker = worker;
        this.thread = Thread.ofPlatform().name(name).daemon().unstarted(this::run);
    }

    void start() {
        running = true;
        thread.start();
    }

    /**
     * For a worker's step that waits inside itself (a retry with its own backoff): sleeps for
     * {@code pause} unless its loop is asked to stop meanwhile. False when the loop is stopping
     * (or the thread interrupted): the step should give up what it was waiting for.
     */
    public static boolean pauseUnlessStopping(Duration pause) {
        var loop = CURRENT.get();
        if (loop == null) {
            try {
                Thread.sleep(pause);
                return true;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return loop.sleep(pause);
    }

    /** What failed the last step; null once a step succeeds again. */
    public Exception lastFailure() {
        return lastFailure;
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
        CURRENT.set(this);
        var failures = 0;
        while (running) {
            try {
                worker.step();
                failures = 0;
                lastFailure = null;
            } catch (Exception e) {
                failures++;
                lastFailure = e;
                var pause = PAUSES.ceiling(failures);
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

    /** Sleeps in slices, so that a stop does not wait for the whole pause; false if stopping. */
    private boolean sleep(Duration pause) {
        var until = System.nanoTime() + pause.toNanos();
        while (running && System.nanoTime() < until) {
            try {
                Thread.sleep(Math.min(50, Math.max(1, (until - System.nanoTime()) / 1_000_000)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return running;
    }
}
