package dev.sandbox.rag.quota;

/** Tokens one request cost: what an answerer was given, what it wrote, what the embedding model read. */
public record Usage(int promptTokens, int completionTokens, int embeddingTokens) {

    public int total() {
        return promptTokens + completionTokens + embeddingTokens;
    }
}
