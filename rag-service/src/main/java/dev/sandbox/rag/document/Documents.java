package dev.sandbox.rag.document;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;

import dev.sandbox.common.problem.Problem;
import dev.sandbox.common.problem.ProblemException;
import dev.sandbox.common.problem.ProblemTypes;
import dev.sandbox.rag.RagConfig;
import dev.sandbox.rag.chunk.Chunker;
import dev.sandbox.rag.chunk.DocumentParser.Format;
import dev.sandbox.rag.index.ChunkIndex;
import dev.sandbox.rag.index.DocumentRecord;
import dev.sandbox.rag.index.DocumentStatus;
import dev.sandbox.rag.ingest.IngestJob;
import dev.sandbox.rag.ingest.IngestQueue;
import dev.sandbox.rag.pii.PiiRedactor;

/**
 * Accepting documents: validate, redact, store the record as queued, put a job on the work queue.
 * Idempotent by content: the id of a document sent without one is a hash of its format and text,
 * so the same content gives the same id; a document already indexed with the same content is not
 * queued again (its chunks stay as they are). A document queued or failed with the same content is
 * queued again: a job lost before it reached the broker is recovered by sending again, and a
 * second job for the same content is a no-op in the worker.
 */
@ApplicationScoped
public class Documents {

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");

    private final ChunkIndex index;
    private final IngestQueue queue;
    private final PiiRedactor redactor;
    private final RagConfig.Ingest config;

    Documents(ChunkIndex index, IngestQueue queue, PiiRedactor redactor, RagConfig config) {
        this.index = index;
        this.queue = queue;
        this.redactor = redactor;
        this.config = config.ingest();
    }

    /** What a POST answers: the document's id and where it is. */
    public record Accepted(String documentId, DocumentStatus status) {
    }

    public Accepted accept(String id, String title, String text, Format format, String source, Map<String, String> metadata) {
        if (text == null || text.isBlank()) {
            throw invalid("text", "the document has no text");
        }
        if (text.length() > config.maxDocumentBytes() || text.getBytes(StandardCharsets.UTF_8).length > config.maxDocumentBytes()) {
            throw new ProblemException(413, ProblemTypes.BODY_TOO_LARGE, "Document too large",
                    "At most " + config.maxDocumentBytes() + " bytes of UTF-8 are accepted.");
        }
        if (looksBinary(text)) {
            throw new ProblemException(415, "binary-content", "Not text",
                    "The document holds control characters that text does not: send text, markdown or HTML.");
        }
        if (title != null && title.length() > 300) {
            throw invalid("title", "at most 300 characters");
        }
        if (id != null && !ID.matcher(id).matches()) {
            throw invalid("id", "letters, digits, '.', '_' and '-', at most 100, starting with a letter or digit");
        }
        var contentHash = Chunker.sha256(format.name() + "\n" + text);
        var documentId = id != null ? id : "d-" + contentHash.substring(0, 24);
        var existing = index.get(documentId);
        if (existing.isPresent() && existing.get().contentHash().equals(contentHash)
                && existing.get().status() == DocumentStatus.INDEXED) {
            return new Accepted(documentId, DocumentStatus.INDEXED);
        }
        var stored = redactor.redact(text);
        var record = new DocumentRecord(documentId, title == null || title.isBlank() ? documentId : redactor.redact(title.strip()),
                DocumentStatus.QUEUED, existing.map(DocumentRecord::chunks).orElse(0), null, contentHash,
                format.name().toLowerCase(java.util.Locale.ROOT), source, metadata == null ? Map.of() : Map.copyOf(metadata), stored,
                System.currentTimeMillis());
        index.putRecord(record);
        queue.publish(new IngestJob(documentId, contentHash));
        return new Accepted(documentId, DocumentStatus.QUEUED);
    }

    public Optional<DocumentRecord> get(String documentId) {
        return index.get(documentId);
    }

    public List<DocumentRecord> list(String cursor, int limit) {
        return index.list(cursor, limit);
    }

    public boolean delete(String documentId) {
        if (index.get(documentId).isEmpty()) {
            return false;
        }
        index.delete(documentId);
        return true;
    }

    /** Decodes a body as strict UTF-8: malformed bytes are a 400, not replacement characters. */
    public static String utf8(byte[] body) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(body)).toString();
        } catch (CharacterCodingException e) {
            throw new ProblemException(400, "invalid-utf8", "Invalid text encoding", "The body is not valid UTF-8.");
        }
    }

    /** NUL, or more than 1% of characters being control characters other than tab, CR, LF, FF. */
    static boolean looksBinary(String text) {
        var controls = 0;
        for (var i = 0; i < text.length(); i++) {
            var c = text.charAt(i);
            if (c == 0) {
                return true;
            }
            if (Character.isISOControl(c) && c != '\n' && c != '\r' && c != '\t' && c != '\f') {
                controls++;
            }
        }
        return controls > text.length() / 100;
    }

    static ProblemException invalid(String field, String message) {
        return ProblemException.badRequest(field + ": " + message, List.of(new Problem.FieldError(field, message)));
    }
}
