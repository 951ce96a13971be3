package dev.sandbox.rag;

import java.time.Duration;
import java.util.Optional;
import java.util.Set;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import dev.sandbox.rag.pii.PiiKind;

/** Every knob of rag-service, with its default: one root, {@code rag.*}. */
@ConfigMapping(prefix = "rag")
public interface RagConfig {

    /** Where the Lucene index (chunks and document records) lives; it survives restarts. */
    @WithDefault("data/rag")
    String dataDir();

    Ingest ingest();

    Chunking chunking();

    Embedding embedding();

    Retrieval retrieval();

    Answer answer();

    Llm llm();

    Pii pii();

    Quota quota();

    Chaos chaos();

    interface Ingest {
        /** The work queue; {@code <queue>.retry.<n>} and {@code <queue>.dlq} hang off it. */
        @WithDefault("rag.ingest")
        String queue();

        /** Attempts before a job goes to the dead-letter queue. */
        @WithDefault("4")
        int maxAttempts();

        /** Wait before the first retry; each further retry waits four times longer. */
        @WithDefault("500ms")
        Duration firstBackoff();

        /** Jobs a worker holds unacknowledged at once. */
        @WithDefault("2")
        int prefetch();

        /**
         * Jobs processed at once, each on a consumer channel of its own: while documents are parsed,
         * written and committed, others keep the embedding threads fed. More workers than embedding
         * threads, because a document's chunks reach those threads in one burst, after its parse:
         * with as many workers as threads, both are often parsing or committing at once, and the
         * model waits.
         */
        @WithDefault("4")
        int workers();

        /** The largest document accepted, in bytes of UTF-8. */
        @WithDefault("5000000")
        int maxDocumentBytes();

        /** Markdown files ingested at start ("ask the sandbox about itself"); none when empty. */
        Optional<String> seedDir();
    }

    interface Chunking {
        /** The embedding model's window in wordpieces, [CLS] and [SEP] included. */
        @WithDefault("128")
        int modelWindow();

        /** Wordpieces of document text per chunk at most (the section prefix comes on top). */
        @WithDefault("100")
        int maxWordpieces();

        /** Wordpieces of the previous chunk's last sentences repeated at the start of the next (whole sentences only). */
        @WithDefault("30")
        int overlapWordpieces();
    }

    interface Embedding {
        /**
         * {@code minilm}: all-MiniLM-L6-v2 in process (no network); {@code openai}: any
         * OpenAI-compatible {@code /embeddings} endpoint (OpenAI, Ollama, llama.cpp, vLLM...). The
         * index holds one model's vectors: changing the provider or model needs a fresh index.
         */
        @WithDefault("minilm")
        EmbeddingProvider provider();

        /** The OpenAI-compatible endpoint, e.g. {@code http://localhost:11434/v1}; required with provider openai. */
        Optional<String> baseUrl();

        @WithDefault("none")
        String apiKey();

        /** The remote model's name (part of the cache key, with the provider). */
        @WithDefault("text-embedding-3-small")
        String model();

        /** How long one remote embedding call may take. */
        @WithDefault("30s")
        Duration timeout();

        /** Threads embedding in parallel, each running ONNX with one intra-op thread. */
        @WithDefault("2")
        int threads();

        @WithDefault("true")
        boolean cache();

        @WithDefault("P7D")
        Duration cacheTtl();
    }

    enum EmbeddingProvider {
        MINILM, OPENAI
    }

    interface Retrieval {
        @WithDefault("5")
        int defaultK();

        @WithDefault("20")
        int maxK();

        /** Candidates each retriever brings to the fusion. */
        @WithDefault("50")
        int candidates();

        /** The constant of reciprocal rank fusion: 1/(rrfK + rank). */
        @WithDefault("60")
        int rrfK();

        /** The longest question accepted, in characters. */
        @WithDefault("2000")
        int maxQuestionChars();

        /** Chunks whose redacted text and token count are kept in memory (about 1 KB each). */
        @WithDefault("10000")
        int citationCacheSize();
    }

    interface Answer {
        /** Share of the question's content terms the best sentence must contain to count as evidence. */
        @WithDefault("0.5")
        double minCoverage();

        /** Sentences quoted at most. */
        @WithDefault("3")
        int maxSentences();

        /**
         * Share of an answer sentence's terms its cited chunks must contain for the sentence to stay
         * (the groundedness check, applied to every answerer).
         */
        @WithDefault("0.8")
        double minSupport();
    }

    /** The optional LLM answerer ({@code answer=llm}): any OpenAI-compatible chat endpoint. */
    interface Llm {
        /** The endpoint, e.g. {@code https://api.openai.com/v1} or {@code http://localhost:11434/v1}; none: answer=llm is a 400. */
        Optional<String> baseUrl();

        /** Sent as the bearer token; local servers usually ignore it. */
        @WithDefault("none")
        String apiKey();

        @WithDefault("gpt-4o-mini")
        String model();

        /** How long the whole completion may take; past it the query is a 504. */
        @WithDefault("30s")
        Duration timeout();

        /** The most tokens the model may write (reserved from the caller's quota before the call). */
        @WithDefault("400")
        int maxCompletionTokens();
    }

    interface Pii {
        @WithDefault("true")
        boolean enabled();

        @WithDefault("email,phone,card,iban,ip,national-id")
        Set<PiiKind> kinds();

        /** Region for phone numbers written without a country code. */
        @WithDefault("US")
        String defaultRegion();
    }

    interface Quota {
        @WithDefault("120")
        int requestsPerMinute();

        @WithDefault("20000")
        int tokensPerMinute();
    }

    /** Faults the tests inject into the worker; all off by default. */
    interface Chaos {
        /** Probability (0..1) of halting once the chunks are embedded, before the index commit. */
        @WithDefault("0")
        double crashBeforeIndexCommit();

        /** Probability (0..1) of halting after the index commit, before the job is acknowledged. */
        @WithDefault("0")
        double crashAfterIndexCommit();

        /** A document whose text contains this marker fails every attempt (a stand-in for a poison input). */
        Optional<String> failIngestMarker();

        /** A pause before each job's embedding, to make a job long enough to be killed in the middle. */
        @WithDefault("0ms")
        Duration embedDelay();
    }
}
