package dev.sandbox.rag.query;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;

import dev.sandbox.common.problem.Problem;
import dev.sandbox.common.problem.ProblemException;
import dev.sandbox.rag.RagConfig;
import dev.sandbox.rag.embed.Embeddings;
import dev.sandbox.rag.index.ChunkHit;
import dev.sandbox.rag.index.ChunkIndex;
import dev.sandbox.rag.index.SearchMode;
import dev.sandbox.rag.pii.PiiRedactor;
import dev.sandbox.rag.quota.Quotas;
import dev.sandbox.rag.quota.TokenCounter;
import dev.sandbox.rag.quota.Usage;

/**
 * A query, step by step, each step a span: embed the question (through the cache), search (BM25,
 * HNSW, or both fused by reciprocal rank), answer (extractive by default, or an LLM), check every
 * sentence of the answer against its citations ({@link Groundedness}: unsupported sentences are
 * dropped), redact the output, charge the caller's token quota, log the usage. The token quota is
 * charged before the answer leaves: a request that would take the caller over the limit gets a
 * 429, not the answer. Questions and answers are never logged, only their token counts.
 */
@ApplicationScoped
public class QueryService {

    private static final Logger LOG = Logger.getLogger(QueryService.class);

    private final ChunkIndex index;
    private final Embeddings embeddings;
    private final PiiRedactor redactor;
    private final Quotas quotas;
    private final TokenCounter tokens;
    private final Tracer tracer;
    private final RagConfig config;
    private final ExtractiveAnswerer answerer;
    private final Groundedness groundedness;
    private final LlmAnswerer llm;
    private final MeterRegistry registry;
    private final Cache<String, Evidence> evidence;
    private final Cache<String, List<String>> analysed;

    QueryService(ChunkIndex index, Embeddings embeddings, PiiRedactor redactor, Quotas quotas, TokenCounter tokens, Tracer tracer,
            RagConfig config, LlmAnswerer llm, MeterRegistry registry) {
        this.registry = registry;
        this.index = index;
        this.embeddings = embeddings;
        this.redactor = redactor;
        this.quotas = quotas;
        this.tokens = tokens;
        this.tracer = tracer;
        this.config = config;
        var cacheSize = config.retrieval().citationCacheSize();
        this.evidence = Caffeine.newBuilder().maximumSize(cacheSize).build();
        // A chunk and its sentences, about eight of them.
        this.analysed = Caffeine.newBuilder().maximumSize(cacheSize * 8L).build();
        ExtractiveAnswerer.Terms terms = text -> {
            var known = analysed.getIfPresent(text);
            return known != null ? known : index.terms(text);
        };
        this.answerer = new ExtractiveAnswerer(terms, config.answer().minCoverage(), config.answer().maxSentences());
        this.groundedness = new Groundedness(terms, config.answer().minSupport());
        this.llm = llm;
    }

    /**
     * A retrieved chunk's text as it may leave this service (redacted), its cost in tokens and its
     * sentences. A chunk id names its text (a hash of the document, the position and the text) and
     * the redaction policy is fixed while the service runs, so all three are worked out once per
     * chunk, not per query: redaction on output still covers every citation and every quoted
     * sentence, at the price of a map lookup. The analysed terms of the chunk and of its sentences
     * (what the answerer and the groundedness check compare) are remembered by text, a text's terms
     * depending on the text alone; only these: a question or a model's words are analysed afresh and
     * never kept.
     */
    private record Evidence(String text, int tokens, List<String> sentences) {
    }

    private Evidence evidence(ChunkHit hit) {
        return evidence.get(hit.chunkId(), id -> {
            var text = redactor.redact(hit.text());
            var sentences = ExtractiveAnswerer.sentences(text);
            analysed.put(text, index.terms(text));
            sentences.forEach(sentence -> analysed.put(sentence, index.terms(sentence)));
            return new Evidence(text, tokens.count(text), sentences);
        });
    }

    /** What a streaming caller is given while the answer is made: citations first, then the answer in pieces. */
    public interface Listener {

        Listener NONE = new Listener() {
        };

        default void citations(List<Citation> citations) {
        }

        /** A piece of the answer: a token chunk (LLM) or a sentence (extractive), already checked and redacted. */
        default void piece(String text) {
        }
    }

    public Answer query(String subject, QueryRequest request) {
        return query(subject, request, Listener.NONE);
    }

    public Answer query(String subject, QueryRequest request, Listener listener) {
        if (request == null || request.question() == null || request.question().isBlank()) {
            throw invalid("question", "a question is required");
        }
        var question = request.question().strip();
        var retrieval = config.retrieval();
        if (question.length() > retrieval.maxQuestionChars()) {
            throw invalid("question", "at most " + retrieval.maxQuestionChars() + " characters");
        }
        var k = request.k() == null ? retrieval.defaultK() : request.k();
        if (k < 1 || k > retrieval.maxK()) {
            throw invalid("k", "between 1 and " + retrieval.maxK());
        }
        var mode = parse(SearchMode.class, "mode", request.mode(), SearchMode.HYBRID);
        var answerMode = parse(AnswerMode.class, "answer", request.answer(), AnswerMode.EXTRACTIVE);
        if (answerMode == AnswerMode.LLM && !llm.configured()) {
            throw new ProblemException(400, "answerer-unavailable", "Answerer not configured",
                    "No LLM answerer is configured on this service; use answer=extractive or answer=none.");
        }
        quotas.countRequest(subject);
        var span = Span.current();
        var embeddingTokens = 0;
        float[] vector = null;
        if (mode != SearchMode.BM25) {
            var embedded = embeddings.embed(List.of(question));
            vector = embedded.vectors().getFirst();
            embeddingTokens = Math.min(embeddings.count(question), 126) + 2;
        }
        var hits = index.search(mode, question, vector, Math.max(retrieval.candidates(), k), retrieval.rrfK(), k);
        var citations = new ArrayList<Citation>(hits.size());
        var sentences = new ArrayList<List<String>>(hits.size());
        var citationTokens = 0;
        for (var hit : hits) {
            var cited = evidence(hit);
            citations.add(new Citation(hit.chunkId(), hit.documentId(), hit.title(), hit.section(), hit.score(), cited.text()));
            sentences.add(cited.sentences());
            citationTokens += cited.tokens();
        }
        var answerSpan = tracer.spanBuilder("rag.answer").setAttribute("rag.answer.mode", answerMode.name().toLowerCase(Locale.ROOT))
                .startSpan();
        Written written;
        try (var scope = answerSpan.makeCurrent()) {
            written = switch (answerMode) {
                case NONE -> none(subject, question, citations, embeddingTokens, listener);
                case EXTRACTIVE -> extractive(subject, question, sentences, citations, citationTokens, embeddingTokens, listener);
                case LLM -> llm(subject, question, citations, embeddingTokens, listener);
            };
            answerSpan.setAttribute("rag.answer.grounded", written.grounded());
            answerSpan.setAttribute("rag.answer.dropped_sentences", written.dropped());
        } finally {
            answerSpan.end();
        }
        var usage = written.usage();
        span.setAttribute("rag.mode", mode.name().toLowerCase(Locale.ROOT));
        span.setAttribute("rag.usage.prompt_tokens", usage.promptTokens());
        span.setAttribute("rag.usage.completion_tokens", usage.completionTokens());
        span.setAttribute("rag.usage.embedding_tokens", usage.embeddingTokens());
        // The same counts as a metric: what a dashboard adds up across queries (cost, quota headroom).
        registry.counter("rag_tokens", "kind", "prompt").increment(usage.promptTokens());
        registry.counter("rag_tokens", "kind", "completion").increment(usage.completionTokens());
        registry.counter("rag_tokens", "kind", "embedding").increment(usage.embeddingTokens());
        LOG.infof("query by %s: mode=%s answer=%s k=%d hits=%d grounded=%s dropped=%d promptTokens=%d completionTokens=%d embeddingTokens=%d",
                subject, mode.name().toLowerCase(Locale.ROOT), answerMode.name().toLowerCase(Locale.ROOT), k, hits.size(),
                written.grounded(), written.dropped(), usage.promptTokens(), usage.completionTokens(), usage.embeddingTokens());
        return new Answer(written.text(), written.grounded(), mode.name().toLowerCase(Locale.ROOT), List.copyOf(citations), usage,
                written.dropped());
    }

    /** An answer as written, checked and charged. */
    private record Written(String text, boolean grounded, int dropped, Usage usage) {
    }

    private Written none(String subject, String question, List<Citation> citations, int embeddingTokens, Listener listener) {
        var usage = new Usage(tokens.count(question), 0, embeddingTokens);
        quotas.charge(subject, usage);
        listener.citations(citations);
        return new Written("", false, 0, usage);
    }

    /**
     * Model-free, so the exact cost is known before anything leaves: charged, then sent. It quotes
     * the citations' sentences, already redacted: each quoted sentence is a substring of a citation.
     */
    private Written extractive(String subject, String question, List<List<String>> sentences, List<Citation> citations,
            int citationTokens, int embeddingTokens, Listener listener) {
        var result = answerer.answer(question, sentences);
        var kept = result.sentences().stream().filter(sentence -> groundedness.supported(sentence, citations)).toList();
        var dropped = result.sentences().size() - kept.size();
        var text = kept.isEmpty() ? ExtractiveAnswerer.DONT_KNOW : String.join(" ", kept);
        var prompt = tokens.count(question) + citationTokens;
        var usage = new Usage(prompt, tokens.count(text), embeddingTokens);
        quotas.charge(subject, usage);
        listener.citations(citations);
        if (kept.isEmpty()) {
            listener.piece(text);
        } else {
            for (var i = 0; i < kept.size(); i++) {
                listener.piece(i == 0 ? kept.get(i) : " " + kept.get(i));
            }
        }
        return new Written(text, !kept.isEmpty(), dropped, usage);
    }

    /**
     * The model's cost is known only after it wrote: the quota is charged up front with the most it
     * can cost (the prompt and the completion limit), and what it did not use is given back.
     */
    private Written llm(String subject, String question, List<Citation> citations, int embeddingTokens, Listener listener) {
        var prompt = LlmAnswerer.prompt(redactor.redact(question), citations);
        var promptTokens = tokens.count(LlmAnswerer.SYSTEM) + tokens.count(prompt);
        var reservation = quotas.reserve(subject, promptTokens + config.llm().maxCompletionTokens() + embeddingTokens);
        listener.citations(citations);
        var gate = new SentenceGate(groundedness, citations, redactor::redact, listener::piece);
        LlmAnswerer.Completion completion;
        try {
            completion = llm.complete(prompt, gate::accept);
        } catch (RuntimeException e) {
            quotas.settle(reservation, subject, new Usage(promptTokens, 0, embeddingTokens));
            throw e;
        }
        gate.finish();
        var grounded = gate.grounded();
        var text = grounded ? gate.answer() : ExtractiveAnswerer.DONT_KNOW;
        if (!grounded) {
            listener.piece(text);
        }
        var written = completion.text() == null ? gate.raw() : completion.text();
        var usage = new Usage(completion.promptTokens() == null ? promptTokens : completion.promptTokens(),
                completion.completionTokens() == null ? tokens.count(written) : completion.completionTokens(), embeddingTokens);
        quotas.settle(reservation, subject, usage);
        return new Written(text, grounded, gate.dropped(), usage);
    }

    /** How the answer is written. */
    public enum AnswerMode {
        EXTRACTIVE, NONE, LLM
    }

    private static <E extends Enum<E>> E parse(Class<E> type, String field, String value, E fallback) {
        if (value == null || value.isBlank()) {
            return fallback;
        }
        for (var constant : type.getEnumConstants()) {
            if (constant.name().equalsIgnoreCase(value.strip())) {
                return constant;
            }
        }
        var names = java.util.Arrays.stream(type.getEnumConstants()).map(c -> c.name().toLowerCase(Locale.ROOT)).toList();
        throw invalid(field, "one of " + String.join(", ", names));
    }

    private static ProblemException invalid(String field, String message) {
        return ProblemException.badRequest(field + ": " + message, List.of(new Problem.FieldError(field, message)));
    }
}
