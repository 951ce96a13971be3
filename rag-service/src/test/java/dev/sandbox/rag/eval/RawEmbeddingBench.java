package dev.sandbox.rag.eval;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.function.UnaryOperator;

import org.junit.jupiter.api.Test;

import dev.sandbox.infra.testing.Percentiles;
import dev.sandbox.rag.chunk.Chunker;
import dev.sandbox.rag.chunk.DocumentParser;
import dev.sandbox.rag.embed.MiniLm;

/**
 * The model alone, for {@code ./sandbox bench rag} to set the service's figures beside: embeddings
 * per second (two threads, one ONNX intra-op thread each, as the service runs it), the CPU time
 * per embedding (the whole JVM's, as the bench measures the service's) and the latency
 * of one embedding of a question. It embeds what the service's ingest embeds: the chunks of the
 * bench's corpus ({@code -Drag.bench.corpus}, its first {@code -Drag.bench.pages} pages, at most 80
 * of them spread evenly; by default docs/*.md), each with its heading path in front when the whole
 * fits the model's window, as {@code IngestWorker} does. Runs only with {@code -Drag.bench=true};
 * prints one {@code RAW ...} line.
 */
class RawEmbeddingBench {

    @Test
    void rawEmbeddingThroughputAndLatency() throws Exception {
        assumeTrue(Boolean.getBoolean("rag.bench"), "a benchmark: -Drag.bench=true");
        try (var pool = Executors.newFixedThreadPool(2); var model = new MiniLm(pool)) {
            var chunker = new Chunker(model, 100, 30);
            var texts = new ArrayList<String>();
            var corpus = Path.of(System.getProperty("rag.bench.corpus", "../docs"));
            var pages = Integer.getInteger("rag.bench.pages", Integer.MAX_VALUE);
            List<Path> files;
            try (var listed = Files.list(corpus)) {
                files = listed.filter(f -> f.toString().endsWith(".md") || f.toString().endsWith(".html")).sorted().limit(pages).toList();
            }
            var stride = Math.max(1, files.size() / 80);
            for (var i = 0; i < files.size(); i += stride) {
                var file = files.get(i);
                var format = file.toString().endsWith(".html") ? DocumentParser.Format.HTML : DocumentParser.Format.MARKDOWN;
                var title = file.getFileName().toString();
                var parsed = DocumentParser.parse(format, Files.readString(file, StandardCharsets.UTF_8), UnaryOperator.identity());
                for (var chunk : chunker.chunk("bench", parsed)) {
                    var withContext = chunk.embeddingText(title);
                    // The window of 128 wordpieces less [CLS] and [SEP], as rag.chunking.model-window gives it.
                    texts.add(model.count(withContext) <= 126 ? withContext : chunk.text());
                }
            }
            model.embed(texts.subList(0, Math.min(20, texts.size()))); // warm-up
            // CPU time of the whole JVM (model threads, JIT, GC), as the service's is measured from /proc.
            var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            var start = System.nanoTime();
            var cpuStart = os.getProcessCpuTime();
            var embedded = 0;
            while (System.nanoTime() - start < 20_000_000_000L) {
                embedded += model.embed(texts).size();
            }
            var perSecond = embedded / ((System.nanoTime() - start) / 1e9);
            var cpuMsPerEmbedding = (os.getProcessCpuTime() - cpuStart) / 1e6 / embedded;
            // As many as the bench's queries per mode: percentiles of the same depth (nearest rank).
            var latencies = new double[Integer.getInteger("rag.bench.latencies", 1000)];
            for (var i = 0; i < latencies.length; i++) {
                var t = System.nanoTime();
                model.embed(List.of("How does the gateway keep rate limits shared across instances " + i + "?"));
                latencies[i] = (System.nanoTime() - t) / 1e6;
            }
            System.out.printf("RAW embeddings_per_s=%.1f single_embed_p50_ms=%.1f single_embed_p99_ms=%.1f texts=%d cpu_ms_per_embedding=%.2f%n",
                    perSecond, Percentiles.nearestRank(latencies, 50), Percentiles.nearestRank(latencies, 99), embedded, cpuMsPerEmbedding);
        }
    }
}
