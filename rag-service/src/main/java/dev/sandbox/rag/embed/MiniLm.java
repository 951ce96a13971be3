package dev.sandbox.rag.embed;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.onnx.AbstractInProcessEmbeddingModel;
import dev.langchain4j.model.embedding.onnx.OnnxBertBiEncoder;
import dev.langchain4j.model.embedding.onnx.PoolingMode;
import dev.sandbox.rag.chunk.Wordpieces;
import org.jboss.logging.Logger;

/**
 * all-MiniLM-L6-v2 (quantized ONNX, from its Maven artifact) in process through LangChain4j. The ONNX
 * session runs with one intra-op thread: on a shared 2-core machine, parallel calls (the executor)
 * give more embeddings per second than one call using both cores. A second tokenizer, the same
 * vocabulary with truncation off, counts wordpieces for the chunker: the model's own tokenizer cuts
 * silently at 128, so chunks are sized to fit instead.
 *
 * <p>Closing waits for the embeddings and counts in progress: the session and the tokenizer are
 * native, and freeing them under a running call crashes the process (ONNX Runtime reads freed
 * memory) instead of failing the call. A call after {@link #close()} fails with an
 * {@link IllegalStateException}.
 */
public final class MiniLm extends AbstractInProcessEmbeddingModel implements Wordpieces, AutoCloseable {

    public static final String NAME = "all-minilm-l6-v2-q";
    private static final String MODEL = "/all-minilm-l6-v2-q.onnx";
    private static final String TOKENIZER = "/all-minilm-l6-v2-q-tokenizer.json";

    private final OnnxBertBiEncoder encoder;
    private final OrtSession session;
    private final HuggingFaceTokenizer counter;
    /** Calls share it; {@link #close()} takes it alone, once every call in progress has returned. */
    private final ReadWriteLock use = new ReentrantReadWriteLock();
    private boolean closed;

    public MiniLm(Executor executor) {
        super(executor);
        try (var model = resource(MODEL); var tokenizer = resource(TOKENIZER); var counting = resource(TOKENIZER)) {
            var environment = OrtEnvironment.getEnvironment();
            var options = new OrtSession.SessionOptions();
            options.setIntraOpNumThreads(1);
            options.setInterOpNumThreads(1);
            this.session = environment.createSession(model.readAllBytes(), options);
            this.encoder = new OnnxBertBiEncoder(environment, session, tokenizer, PoolingMode.MEAN);
            this.counter = HuggingFaceTokenizer.newInstance(counting,
                    Map.of("truncation", "false", "padding", "false", "addSpecialTokens", "false"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (OrtException e) {
            throw new IllegalStateException("the embedding model does not load", e);
        }
    }

    private static InputStream resource(String name) {
        var stream = MiniLm.class.getResourceAsStream(name);
        if (stream == null) {
            throw new IllegalStateException(name + " is not on the class path");
        }
        return stream;
    }

    @Override
    protected OnnxBertBiEncoder model() {
        return encoder;
    }

    @Override
    protected Integer knownDimension() {
        return 384;
    }

    @Override
    public int count(String text) {
        use.readLock().lock();
        try {
            open();
            return counter.encode(text, false, false).getIds().length;
        } finally {
            use.readLock().unlock();
        }
    }

    public List<float[]> embed(List<String> texts) {
        var segments = texts.stream().map(TextSegment::from).toList();
        use.readLock().lock();
        try {
            open();
            return embedAll(segments).content().stream().map(Embedding::vector).toList();
        } finally {
            use.readLock().unlock();
        }
    }

    private void open() {
        if (closed) {
            throw new IllegalStateException("the embedding model is closed");
        }
    }

    /**
     * Frees the session and the tokenizer once the calls in progress have returned. If they have not
     * within {@code grace}, the native parts are left to the ending process rather than freed under them.
     */
    public void close(Duration grace) {
        try {
            if (!use.writeLock().tryLock(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                Logger.getLogger(MiniLm.class).warnf("embedding model not closed: calls still running after %s", grace);
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        try {
            if (closed) {
                return;
            }
            closed = true;
            counter.close();
            session.close();
        } catch (OrtException e) {
            // Closing at shutdown: nothing more to do.
        } finally {
            use.writeLock().unlock();
        }
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(10));
    }
}
