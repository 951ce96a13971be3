package dev.sandbox.rag.chunk;

/**
 * A structural unit of a document's stored text: a paragraph, a list item, a code block, a table
 * row... {@code [start, end)} in the stored text, under the section (heading path) it belongs to.
 */
public record Block(int start, int end, String section) {
}
