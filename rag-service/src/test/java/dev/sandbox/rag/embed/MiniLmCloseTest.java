package dev.sandbox.rag.embed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

/**
 * The service closes the model at shutdown while ingest workers may still be embedding. Freeing the
 * native session under a running call crashed the process (SIGSEGV in ONNX Runtime, the JVM's fatal
 * error log instead of a clean stop); closing now waits for the calls in progress.
 */
class MiniLmCloseTest {

    @Test
    void closingWaitsForTheEmbeddingsInProgressAndRefusesLaterOnes() throws Exception {
        var pool = (ThreadPoolExecutor) Executors.newFixedThreadPool(2);
        try {
            var model = new MiniLm(pool);
            var texts = IntStream.range(0, 48).mapToObj(i -> "sentence " + i + " about shutting a service down cleanly").toList();
            CompletableFuture<List<float[]>> running = CompletableFuture.supplyAsync(() -> model.embed(texts));
            // Close while the model's threads are inside the session, not before or after.
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(1)).until(() -> pool.getActiveCount() > 0);
            model.close(Duration.ofSeconds(60));

            assertThat(running.get()).hasSize(48).allSatisfy(vector -> assertThat(vector).hasSize(384));
            assertThatThrownBy(() -> model.embed(List.of("after close"))).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> model.count("after close")).isInstanceOf(IllegalStateException.class);
        } finally {
            pool.shutdownNow();
        }
    }
}
