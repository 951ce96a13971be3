package dev.sandbox.rag.embed;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.trace.Tracer;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.value.ValueCommands;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;

import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.openai.OpenAiEmbeddingModel;
import dev.sandbox.common.problem.ProblemException;
import dev.sandbox.rag.RagConfig;
import dev.sandbox.rag.chunk.Chunker;
import dev.sandbox.rag.chunk.Wordpieces;

/**
 * Embeds texts with the configured model (all-MiniLM-L6-v2 in process by default, or an
 * OpenAI-compatible endpoint), through a cache in Redis keyed by (model, SHA-256 of the text):
 * re-ingesting a document, or two documents sharing a paragraph, costs no model call. The
 * cache is an optimisation, never a dependency of correctness: when Redis fails, the texts are
 * embedded anyway (counted as misses) and a warning is logged, without the texts. The model loads
 * lazily on the first call (about 0.6 s), not at start.
 */
@ApplicationScoped
public class Embeddings implements Wordpieces {

    private static final Logger LOG = Logger.getLogger(Embeddings.class);

    private final RagConfig.Embedding config;
    private final RedisDataSource redis;
    private final Redis client;
    private final Tracer tracer;
    private final Counter hits;
    private final Counter misses;
    private final ExecutorService executor;
    private volatile MiniLm model;
    /** An OpenAI-compatible endpoint, or null: the in-process model. */
    private final EmbeddingModel remote;
    /** In every cache key: a cached vector is only ever reused for the model that made it. */
    private final String modelName;

    /** Vectors with how they were obtained. */
    public record Result(List<float[]> vectors, int cacheHits, int cacheMisses, int wordpieces) {
    }

    Embeddings(RagConfig config, RedisDataSource redis, Redis client, Tracer tracer, MeterRegistry registry) {
        this.config = config.embedding();
        this.redis = redis;
        this.client = client;
        this.tracer = tracer;
        this.hits = Counter.builder("rag_embedding_cache").tag("result", "hit").register(registry);
        this.misses = Counter.builder("rag_embedding_cache").tag("result", "miss").register(registry);
        this.executor = Executors.newFixedThreadPool(Math.max(1, this.config.threads()),
                Thread.ofPlatform().name("embed-", 0).daemon().factory());
        if (this.config.provider() == RagConfig.EmbeddingProvider.OPENAI) {
            var url = this.config.baseUrl().orElseThrow(
                    () -> new IllegalStateException("rag.embedding.base-url is required with rag.embedding.provider=openai"));
            this.remote = OpenAiEmbeddingModel.builder().baseUrl(url).apiKey(this.config.apiKey()).modelName(this.config.model())
                    .timeout(this.config.timeout()).maxRetries(2).build();
            this.modelName = "openai:" + this.config.model();
        } else {
            this.remote = null;
            this.modelName = MiniLm.NAME;
        }
    }

    /** The model that makes the vectors, as the cache keys name it. */
    public String modelName() {
        return modelName;
    }

    /** The in-process model: it makes the vectors by default, and always counts wordpieces for the chunker. */
    public MiniLm model() {
        var loaded = model;
        if (loaded == null) {
            synchronized (this) {
                if (model == null) {
                    model = new MiniLm(executor);
                }
                loaded = model;
            }
        }
        return loaded;
    }

    @Override
    public int count(String text) {
        return model().count(text);
    }

    public float[] embedOne(String text) {
        return embed(List.of(text)).vectors().getFirst();
    }

    public Result embed(List<String> texts) {
        var span = tracer.spanBuilder("rag.embed").startSpan();
        try (var scope = span.makeCurrent()) {
            var keys = texts.stream().map(text -> "rag:emb:" + modelName + ":" + Chunker.sha256(text)).toList();
            var cached = lookup(keys);
            var vectors = new ArrayList<float[]>(texts.size());
            var missing = new LinkedHashMap<Integer, String>();
            for (var i = 0; i < texts.size(); i++) {
                var hit = cached.get(i);
                vectors.add(hit);
                if (hit == null) {
                    missing.put(i, texts.get(i));
                }
            }
            var wordpieces = 0;
            if (!missing.isEmpty()) {
                var fresh = remote == null ? inProcess(List.copyOf(missing.values())) : remote(List.copyOf(missing.values()));
                var store = new LinkedHashMap<String, String>();
                var j = 0;
                for (var entry : missing.entrySet()) {
                    var vector = fresh.vectors().get(j++);
                    vectors.set(entry.getKey(), vector);
                    store.put(keys.get(entry.getKey()), encode(vector));
                }
                wordpieces = fresh.wordpieces();
                save(store);
            }
            var hitCount = texts.size() - missing.size();
            hits.increment(hitCount);
            misses.increment(missing.size());
            span.setAttribute("rag.embed.texts", texts.size());
            span.setAttribute("rag.embed.cache_hits", hitCount);
            span.setAttribute("rag.embed.cache_misses", missing.size());
            span.setAttribute("rag.embed.wordpieces", wordpieces);
            return new Result(vectors, hitCount, missing.size(), wordpieces);
        } finally {
            span.end();
        }
    }

    /** Vectors fresh from a model, and the tokens it read. */
    private record Fresh(List<float[]> vectors, int wordpieces) {
    }

    private Fresh inProcess(List<String> texts) {
        var vectors = model().embed(texts);
        // What the model read: its window holds 126 wordpieces and [CLS], [SEP].
        var read = texts.stream().mapToInt(text -> Math.min(model().count(text), 126) + 2).sum();
        return new Fresh(vectors, read);
    }

    /** A remote provider that fails is a 503 for a query; for an ingest job, a failure to retry. */
    private Fresh remote(List<String> texts) {
        dev.langchain4j.model.output.Response<List<dev.langchain4j.data.embedding.Embedding>> response;
        try {
            response = remote.embedAll(texts.stream().map(TextSegment::from).toList());
        } catch (RuntimeException e) {
            LOG.warnf("embedding provider failed: %s", e.getClass().getSimpleName());
            throw new ProblemException(503, "embedding-unavailable", "Embedding provider unavailable",
                    "The configured embedding provider could not be reached or failed; try again, or use mode=bm25.", List.of(),
                    java.util.Map.of("Retry-After", "5"));
        }
        var vectors = response.content().stream().map(dev.langchain4j.data.embedding.Embedding::vector).toList();
        var usage = response.tokenUsage();
        var read = usage != null && usage.inputTokenCount() != null ? usage.inputTokenCount()
                : texts.stream().mapToInt(text -> model().count(text)).sum();
        return new Fresh(vectors, read);
    }

    private List<float[]> lookup(List<String> keys) {
        var found = new ArrayList<float[]>(keys.size());
        keys.forEach(key -> found.add(null));
        if (!config.cache() || keys.isEmpty()) {
            return found;
        }
        try {
            var values = values().mget(keys.toArray(String[]::new));
            for (var i = 0; i < keys.size(); i++) {
                var value = values.get(keys.get(i));
                if (value != null) {
                    found.set(i, decode(value));
                }
            }
        } catch (RuntimeException e) {
            LOG.warnf("embedding cache unavailable (%s): embedding without it", e.getClass().getSimpleName());
        }
        return found;
    }

    /**
     * All the new vectors in one pipelined batch (one round trip for a document, not one per chunk),
     * sent and not waited for: the vectors are in hand, and nothing the caller does next depends on
     * the cache holding them. A write that fails costs only a later embedding.
     */
    private void save(LinkedHashMap<String, String> entries) {
        if (!config.cache() || entries.isEmpty()) {
            return;
        }
        var ttl = String.valueOf(config.cacheTtl().toSeconds());
        client.batch(entries.entrySet().stream()
                .map(entry -> Request.cmd(Command.SETEX).arg(entry.getKey()).arg(ttl).arg(entry.getValue())).toList())
                .subscribe().with(written -> {
                }, failure -> LOG.warnf("embedding cache unavailable (%s): vectors not cached", failure.getClass().getSimpleName()));
    }

    private ValueCommands<String, String> values() {
        return redis.value(String.class);
    }

    static String encode(float[] vector) {
        var buffer = ByteBuffer.allocate(vector.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        buffer.asFloatBuffer().put(vector);
        return Base64.getEncoder().encodeToString(buffer.array());
    }

    static float[] decode(String value) {
        var buffer = ByteBuffer.wrap(Base64.getDecoder().decode(value)).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
        var vector = new float[buffer.remaining()];
        buffer.get(vector);
        return vector;
    }

    @PreDestroy
    void close() {
        if (model != null) {
            model.close();
        }
        executor.shutdownNow();
    }
}
