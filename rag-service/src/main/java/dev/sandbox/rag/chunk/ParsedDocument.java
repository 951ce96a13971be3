package dev.sandbox.rag.chunk;

import java.util.List;

/** The text stored for a document (what citations quote) and its blocks, in order. */
public record ParsedDocument(String text, List<Block> blocks) {
}
