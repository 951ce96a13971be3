package dev.sandbox.rag.index;

/** How chunks are retrieved: by words (BM25), by meaning (HNSW over embeddings), or both fused. */
public enum SearchMode {
    BM25, VECTOR, HYBRID
}
