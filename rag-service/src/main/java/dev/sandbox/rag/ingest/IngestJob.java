package dev.sandbox.rag.ingest;

/** A message on the work queue: which document to index, and which version of its content. */
public record IngestJob(String documentId, String contentHash) {
}
