package dev.sandbox.rag.query;

/** {@code POST /rag/query}: a question; {@code k} chunks (default 5), {@code mode} bm25|vector|hybrid, {@code answer} extractive|none|llm. */
public record QueryRequest(String question, Integer k, String mode, String answer) {
}
