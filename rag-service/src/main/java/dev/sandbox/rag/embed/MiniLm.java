package dev.sandbox.rag.embed;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;

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

/**
 * all-MiniLM-L6-v2 (quantized ONNX, from its Maven artifact) in process through LangChain4j. The ONNX
 * session runs with one intra-op thread: on a shared 2-core machine, parallel calls (the executor)
 * give more embeddings per second than one call using both cores. A second tokenizer, the same
 * vocabulary with truncation off, counts wordpieces for the chunker: the model's own tokenizer cuts
 * silently at 128, so chunks are sized to fit instead.
 */
public final class MiniLm extends AbstractInProcessEmbeddingModel implements Wordpieces, AutoCloseable {

    public static final String NAME = "all-minilm-l6-v2-q";
    private static final String MODEL = "/all-minilm-l6-v2-q.onnx";
    private static final String TOKENIZER = "/all-minilm-l6-v2-q-tokenizer.json";

    private final OnnxBertBiEncoder encoder;
    private final OrtSession session;
    private final HuggingFaceTokenizer counter;

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
        return counter.encode(text, false, false).getIds().length;
    }

    public List<float[]> embed(List<String> texts) {
        var segments = texts.stream().map(TextSegment::from).toList();
        return embedAll(segments).content().stream().map(Embedding::vector).toList();
    }

    @Override
    public void close() {
        counter.close();
        try {
            session.close();
        } catch (OrtException e) {
            // Closing at shutdown: nothing more to do.
        }
    }
}
