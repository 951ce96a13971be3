package dev.sandbox.rag.ingest;

import java.util.Locale;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.trace.Tracer;

import dev.sandbox.common.chaos.CrashPoints;
import dev.sandbox.rag.RagConfig;
import dev.sandbox.rag.chunk.Chunker;
import dev.sandbox.rag.chunk.DocumentParser;
import dev.sandbox.rag.index.DocumentStatus;
import dev.sandbox.rag.embed.Embeddings;
import dev.sandbox.rag.index.ChunkIndex;
import dev.sandbox.rag.pii.PiiRedactor;

/**
 * Indexes one queued document: parse, chunk, embed (through the cache), then replace the document's
 * record and chunks in one index commit, then acknowledge. Idempotent: a job for a document that is
 * gone (deleted), superseded (its content changed since) or already indexed with this content is
 * acknowledged without work, so a redelivery after a crash between the commit and the ack changes
 * nothing: each job takes effect exactly once. Several workers may run side by side: the index
 * commit re-checks, under the index's lock, that the document was not deleted or changed meanwhile.
 */
@ApplicationScoped
public class IngestWorker {

    private static final Logger LOG = Logger.getLogger(IngestWorker.class);

    private final ChunkIndex index;
    private final Embeddings embeddings;
    private final PiiRedactor redactor;
    private final CrashPoints crashPoints;
    private final Tracer tracer;
    private final MeterRegistry registry;
    private final RagConfig config;
    private volatile Chunker chunker;

    IngestWorker(ChunkIndex index, Embeddings embeddings, PiiRedactor redactor, CrashPoints crashPoints, Tracer tracer,
            MeterRegistry registry, RagConfig config) {
        this.index = index;
        this.embeddings = embeddings;
        this.redactor = redactor;
        this.crashPoints = crashPoints;
        this.tracer = tracer;
        this.registry = registry;
        this.config = config;
    }

    public Chunker chunker() {
        if (chunker == null) {
            chunker = new Chunker(embeddings, config.chunking().maxWordpieces(), config.chunking().overlapWordpieces());
        }
        return chunker;
    }

    /** Runs the job; {@code ack} is called once the outcome is durable. Throws to have it retried. */
    public void process(IngestJob job, Runnable ack) throws InterruptedException {
        var span = tracer.spanBuilder("rag.ingest").startSpan();
        try (var scope = span.makeCurrent()) {
            span.setAttribute("rag.document_id", job.documentId());
            var found = index.get(job.documentId());
            if (found.isEmpty() || !found.get().contentHash().equals(job.contentHash())
                    || found.get().status() == DocumentStatus.INDEXED) {
                span.setAttribute("rag.ingest.skipped", true);
                ack.run();
                registry.counter("rag_ingest_jobs", "outcome", "skipped").increment();
                return;
            }
            var record = found.get();
            LOG.infof("indexing %s", record.documentId());
            var marker = config.chaos().failIngestMarker();
            if (marker.isPresent() && record.text().contains(marker.get())) {
                throw new IllegalStateException("injected failure");
            }
            var format = DocumentParser.Format.valueOf(record.format().toUpperCase(Locale.ROOT));
            var chunkSpan = tracer.spanBuilder("rag.chunk").startSpan();
            java.util.List<dev.sandbox.rag.chunk.Chunk> chunks;
            try {
                var parsed = DocumentParser.parse(format, record.text(), redactor::redact);
                chunks = chunker().chunk(record.documentId(), parsed);
                chunkSpan.setAttribute("rag.chunks", chunks.size());
                chunkSpan.setAttribute("rag.chunk.wordpieces", chunks.stream().mapToInt(c -> c.wordpieces()).sum());
            } finally {
                chunkSpan.end();
            }
            if (chunks.isEmpty()) {
                throw new PermanentFailure("no indexable text");
            }
            if (!config.chaos().embedDelay().isZero()) {
                Thread.sleep(config.chaos().embedDelay().toMillis());
            }
            // The heading path goes in front of the text when the whole still fits the model's window.
            var window = config.chunking().modelWindow() - 2;
            var texts = chunks.stream().map(chunk -> {
                var withContext = chunk.embeddingText(record.title());
                return embeddings.count(withContext) <= window ? withContext : chunk.text();
            }).toList();
            var vectors = embeddings.embed(texts);
            crashPoints.reach("before-index-commit", config.chaos().crashBeforeIndexCommit());
            var indexSpan = tracer.spanBuilder("rag.index").startSpan();
            boolean replaced;
            try {
                replaced = index.replace(record.withStatus(DocumentStatus.INDEXED, chunks.size(), null), chunks, texts, vectors.vectors());
            } finally {
                indexSpan.end();
            }
            if (!replaced) {
                // Deleted or superseded while this job was embedding: the newer state stands.
                span.setAttribute("rag.ingest.skipped", true);
                ack.run();
                registry.counter("rag_ingest_jobs", "outcome", "skipped").increment();
                return;
            }
            crashPoints.reach("after-index-commit", config.chaos().crashAfterIndexCommit());
            ack.run();
            registry.counter("rag_ingest_chunks").increment(chunks.size());
            span.setAttribute("rag.chunks", chunks.size());
            span.setAttribute("rag.embed.wordpieces", vectors.wordpieces());
            LOG.infof("indexed %s: %d chunks, %d embedded, %d from cache", job.documentId(), chunks.size(), vectors.cacheMisses(),
                    vectors.cacheHits());
        } finally {
            span.end();
        }
    }

    /** Records why a document will not be indexed (it goes to the dead-letter queue). */
    public void markFailed(IngestJob job, String reason) {
        try {
            index.get(job.documentId()).filter(record -> record.contentHash().equals(job.contentHash()))
                    .ifPresent(record -> index.putRecord(record.withStatus(DocumentStatus.FAILED, 0, reason)));
        } catch (RuntimeException e) {
            LOG.warnf("could not mark %s failed: %s", job.documentId(), e.toString());
        }
    }
}
