package dev.sandbox.rag.index;

/** One retrieved chunk with the score of the retriever (BM25, cosine, or fused) that ranked it. */
public record ChunkHit(String chunkId, String documentId, String title, String section, int position, String text, float score) {
}
