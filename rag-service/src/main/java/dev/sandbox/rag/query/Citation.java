package dev.sandbox.rag.query;

/** A retrieved chunk as the caller sees it; {@code text} is an exact substring of the stored document. */
public record Citation(String chunkId, String documentId, String title, String section, double score, String text) {
}
