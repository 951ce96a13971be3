package dev.sandbox.ingestion.intake;

import java.time.Duration;

import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * The broker's answers for one upload's records: counts only, so an upload of a billion records
 * holds as little as one of ten. Callbacks run on the producer's I/O thread; the upload's thread
 * waits in {@link #awaitAll}.
 */
final class Acknowledgements implements Callback {

    private long sent;
    private long acknowledged;
    private long failed;
    private Exception firstFailure;
    private boolean answered;
    private final Runnable onLost;

    /** {@code onLost} runs for each record that fails after the client was told it was accepted. */
    Acknowledgements(Runnable onLost) {
        this.onLost = onLost;
    }

    synchronized void sent() {
        sent++;
    }

    @Override
    public void onCompletion(RecordMetadata metadata, Exception exception) {
        boolean lost;
        synchronized (this) {
            if (exception == null) {
                acknowledged++;
            } else {
                failed++;
                if (firstFailure == null) {
                    firstFailure = exception;
                }
            }
            lost = exception != null && answered;
            // The only waiter waits for every answer: waking it for each record would cost a
            // context switch per record at the end of every upload.
            if (acknowledged + failed >= sent) {
                notifyAll();
            }
        }
        if (lost) {
            onLost.run();
        }
    }

    /** Waits until every record sent has an answer, or {@code max} passes; true if all answered. */
    synchronized boolean awaitAll(Duration max) throws InterruptedException {
        var deadline = System.nanoTime() + max.toNanos();
        while (acknowledged + failed < sent) {
            var left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            wait(Math.max(1, left / 1_000_000));
        }
        return true;
    }

    /**
     * The client has its answer: a record failing from now on is lost to it (the naive
     * {@code on-receive} mode). Returns how many records failed before this moment.
     */
    synchronized long answer() {
        answered = true;
        return failed;
    }

    synchronized long sentCount() {
        return sent;
    }

    synchronized long acknowledgedCount() {
        return acknowledged;
    }

    synchronized long failedCount() {
        return failed;
    }

    synchronized Exception firstFailure() {
        return firstFailure;
    }
}
