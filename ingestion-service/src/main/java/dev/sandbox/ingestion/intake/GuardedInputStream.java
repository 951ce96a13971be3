package dev.sandbox.ingestion.intake;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;

/**
 * The request body, counted as it is read: past {@code maxBytes} reading stops (a chunked body has
 * no Content-Length to refuse up front), and a client that sends slower than
 * {@code minBytesPerSecond}, after a grace period, is cut off (a slow-loris upload would otherwise
 * hold a thread and a place among the concurrent uploads for as long as it likes). Only the time
 * spent waiting for the client counts: an upload slowed down by our own backpressure is not slow.
 */
final class GuardedInputStream extends FilterInputStream {

    static final long GRACE_NANOS = 10_000_000_000L;

    private final long maxBytes;
    private final long minBytesPerSecond;
    private final long stallNanos;
    private long count;
    private long waitedNanos;

    /** {@code stall} is the server's read timeout: a read that fails after waiting that long was a stalled client. */
    GuardedInputStream(InputStream in, long maxBytes, long minBytesPerSecond, Duration stall) {
        super(in);
        this.maxBytes = maxBytes;
        this.minBytesPerSecond = minBytesPerSecond;
        this.stallNanos = stall.toNanos();
    }

    @Override
    public int read() throws IOException {
        var started = System.nanoTime();
        var c = guardedRead(() -> super.read(), started);
        counted(c < 0 ? 0 : 1, System.nanoTime() - started);
        return c;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        var started = System.nanoTime();
        var n = guardedRead(() -> super.read(buffer, offset, length), started);
        counted(Math.max(n, 0), System.nanoTime() - started);
        return n;
    }

    private interface Read {
        int run() throws IOException;
    }

    private int guardedRead(Read read, long started) throws IOException {
        try {
            return read.run();
        } catch (IOException e) {
            var waited = System.nanoTime() - started;
            if (waited >= stallNanos * 9 / 10) {
                throw new BodyTooSlowException("the body stalled: no bytes for " + waited / 1_000_000_000 + " s", e);
            }
            throw e;
        }
    }

    private void counted(int n, long waited) throws IOException {
        count += n;
        waitedNanos += waited;
        if (count > maxBytes) {
            throw new BodyTooLargeException(maxBytes);
        }
        if (waitedNanos > GRACE_NANOS && count * 1_000_000_000.0 / waitedNanos < minBytesPerSecond) {
            throw new BodyTooSlowException(count, waitedNanos / 1_000_000_000);
        }
    }

    static final class BodyTooLargeException extends IOException {
        BodyTooLargeException(long maxBytes) {
            super("the body is larger than " + maxBytes + " bytes");
        }
    }

    static final class BodyTooSlowException extends IOException {
        BodyTooSlowException(long bytes, long seconds) {
            super("the body arrives too slowly: " + bytes + " bytes in " + seconds + " s of waiting for them");
        }

        BodyTooSlowException(String message, IOException cause) {
            super(message, cause);
        }
    }
}
