package dev.sandbox.rag.query;

import java.util.List;
import java.util.Locale;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;

import dev.sandbox.common.problem.Problem;
import dev.sandbox.common.problem.ProblemException;
import dev.sandbox.rag.RagConfig;
import dev.sandbox.rag.embed.Embeddings;
import dev.sandbox.rag.index.ChunkIndex;
import dev.sandbox.rag.index.SearchMode;
import dev.sandbox.rag.pii.PiiRedactor;
import dev.sandbox.rag.quota.Quotas;
import dev.sandbox.rag.quota.TokenCounter;
import dev.sandbox.rag.quota.Usage;

/**
 * A query, step by step, each step a span: embed the question (through the cache), search (BM25,
 * HNSW, or both fused by reciprocal rank), answer (extractive by default), redact the output,
 * charge the caller's token quota with the exact cost, log the usage. The token quota is charged
 * before the answer leaves: a request that would take the caller over the limit gets a 429, not
 * the answer. Questions and answers are never logged, only their token counts.
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
    private final MeterRegistry registry;

    QueryService(ChunkIndex index, Embeddings embeddings, PiiRedactor redactor, Quotas quotas, TokenCounter tokens, Tracer tracer,
            RagConfig config, MeterRegistry registry) {
        this.registry = registry;
        this.index = index;
        this.embeddings = embeddings;
        this.redactor = redactor;
        this.quotas = quotas;
        this.tokens = tokens;
        this.tracer = tracer;
        this.config = config;
        this.answerer = new ExtractiveAnswerer(index::terms, config.answer().minCoverage(), config.answer().maxSentences());
    }

    public Answer query(String subject, QueryRequest request) {
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
        if (answerMode == AnswerMode.LLM) {
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
        var citations = hits.stream()
                .map(hit -> new Citation(hit.chunkId(), hit.documentId(), hit.title(), hit.section(), hit.score(), redactor.redact(hit.text())))
                .toList();
        var answerSpan = tracer.spanBuilder("rag.answer").startSpan();
        String text;
        boolean grounded;
        try {
            if (answerMode == AnswerMode.NONE) {
                text = "";
                grounded = false;
            } else {
                var result = answerer.answer(question, hits);
                text = redactor.redact(result.text());
                grounded = result.grounded();
            }
            answerSpan.setAttribute("rag.answer.grounded", grounded);
        } finally {
            answerSpan.end();
        }
        var prompt = tokens.count(question) + citations.stream().mapToInt(citation -> tokens.count(citation.text())).sum();
        var usage = new Usage(answerMode == AnswerMode.NONE ? tokens.count(question) : prompt, tokens.count(text), embeddingTokens);
        var reservation = quotas.reserve(subject, usage.total());
        quotas.settle(reservation, subject, usage);
        span.setAttribute("rag.mode", mode.name().toLowerCase(Locale.ROOT));
        span.setAttribute("rag.usage.prompt_tokens", usage.promptTokens());
        span.setAttribute("rag.usage.completion_tokens", usage.completionTokens());
        span.setAttribute("rag.usage.embedding_tokens", usage.embeddingTokens());
        // The same counts as a metric: what a dashboard adds up across queries (cost, quota headroom).
        registry.counter("rag_tokens", "kind", "prompt").increment(usage.promptTokens());
        registry.counter("rag_tokens", "kind", "completion").increment(usage.completionTokens());
        registry.counter("rag_tokens", "kind", "embedding").increment(usage.embeddingTokens());
        LOG.infof("query by %s: mode=%s k=%d hits=%d grounded=%s promptTokens=%d completionTokens=%d embeddingTokens=%d", subject,
                mode.name().toLowerCase(Locale.ROOT), k, hits.size(), grounded, usage.promptTokens(), usage.completionTokens(),
                usage.embeddingTokens());
        return new Answer(text, grounded, mode.name().toLowerCase(Locale.ROOT), citations, usage);
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
