package dev.sandbox.rag.document;

import java.util.Map;

/** A document sent as JSON. {@code id} is optional: without it, the id is derived from the content. */
public record IngestRequest(String id, String title, String text, String source, String format, Map<String, String> metadata) {
}
