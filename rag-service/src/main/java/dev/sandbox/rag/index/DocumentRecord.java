package dev.sandbox.rag.index;

import java.util.Map;

/**
 * A document as the service keeps it, next to its chunks in the index. {@code text} is what was
 * stored: the text as sent, redacted (for HTML, its text); citations quote it.
 */
public record DocumentRecord(String documentId, String title, DocumentStatus status, int chunks, String error,
        String contentHash, String format, String source, Map<String, String> metadata, String text, long updatedAt) {

    public DocumentRecord withStatus(DocumentStatus newStatus, int chunkCount, String reason) {
        return new DocumentRecord(documentId, title, newStatus, chunkCount, reason, contentHash, format, source, metadata, text,
                System.currentTimeMillis());
    }
}
