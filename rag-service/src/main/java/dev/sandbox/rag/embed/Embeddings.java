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

import dev.sandbox.rag.RagConfig;
import dev.sandbox.rag.chunk.Chunker;
import dev.sandbox.rag.chunk.Wordpieces;

/**
 * Embeds texts with the in-process model, through a cache in Redis keyed by (model, SHA-256 of the
 * text): re-ingesting a document, or two documents sharing a paragraph, costs no model call. The
 * cache is an optimisation, never a dependency of correctness: when Redis fails, the texts are
 * embedded anyway (counted as misses) and a warning is logged, without the texts. The model loads
 * lazily on the first call (about 0.6 s), not at start.
 */
@ApplicationScoped
public class Embeddings implements Wordpieces {

    private static final Logger LOG = Logger.getLogger(Embeddings.class);

    private final RagConfig.Embedding config;
    private final RedisDataSource redis;
    private final Tracer tracer;
    private final Counter hits;
    private final Counter misses;
    private final ExecutorService executor;
    private volatile MiniLm model;

    /** Vectors with how they were obtained. */
    public record Result(List<float[]> vectors, int cacheHits, int cacheMisses, int wordpieces) {
    }

    Embeddings(RagConfig config, RedisDataSource redis, Tracer tracer, MeterRegistry registry) {
        this.config = config.embedding();
        this.redis = redis;
        this.tracer = tracer;
        this.hits = Counter.builder("rag_embedding_cache").tag("result", "hit").register(registry);
        this.misses = Counter.builder("rag_embedding_cache").tag("result", "miss").register(registry);
        this.executor = Executors.newFixedThreadPool(Math.max(1, this.config.threads()),
                Thread.ofPlatform().name("embed-", 0).daemon().factory());
    }

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
            var keys = texts.stream().map(text -> "rag:emb:" + MiniLm.NAME + ":" + Chunker.sha256(text)).toList();
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
                var fresh = model().embed(List.copyOf(missing.values()));
                var store = new LinkedHashMap<String, String>();
                var j = 0;
                for (var entry : missing.entrySet()) {
                    var vector = fresh.get(j++);
                    vectors.set(entry.getKey(), vector);
                    store.put(keys.get(entry.getKey()), encode(vector));
                    // What the model read: its window holds 126 wordpieces and [CLS], [SEP].
                    wordpieces += Math.min(model().count(entry.getValue()), 126) + 2;
                }
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

    private void save(LinkedHashMap<String, String> entries) {
        if (!config.cache() || entries.isEmpty()) {
            return;
        }
        try {
            var ttl = config.cacheTtl().toSeconds();
            entries.forEach((key, value) -> values().setex(key, ttl, value));
        } catch (RuntimeException e) {
            LOG.warnf("embedding cache unavailable (%s): vectors not cached", e.getClass().getSimpleName());
        }
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
