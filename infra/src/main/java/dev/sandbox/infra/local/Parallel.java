package dev.sandbox.infra.local;

import java.util.Collection;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

/** Runs blocking work (starting, waiting for, stopping processes) on one virtual thread per item. */
public final class Parallel {

    private Parallel() {
    }

    /** Applies {@code action} to every item at once; rethrows the first failure once all are done. */
    public static <T> void forEach(Collection<T> items, Consumer<T> action) {
        try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            var futures = items.stream().map(item -> executor.submit(() -> action.accept(item))).toList();
            for (var future : futures) {
                try {
                    future.get();
                } catch (ExecutionException e) {
                    throw e.getCause() instanceof RuntimeException cause ? cause : new IllegalStateException(e.getCause());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted", e);
                }
            }
        }
    }
}
