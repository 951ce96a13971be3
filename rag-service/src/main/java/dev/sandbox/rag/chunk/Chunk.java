package dev.sandbox.rag.chunk;

/**
 * A piece of a document small enough for the embedding model's window. {@code text} is exactly
 * {@code documentText.substring(start, end)}: a citation quotes the stored document, never a
 * rewritten form. {@code id} is a hash of the document id, the position and the text, so the same
 * document always gives the same ids.
 */
public record Chunk(String id, int position, String section, int start, int end, String text, int wordpieces) {

    /** What the model embeds and BM25 indexes: the section's heading path, then the text. */
    public String embeddingText(String title) {
        var context = section.isEmpty() ? title : title + " > " + section;
        return context.isBlank() ? text : context + "\n" + text;
    }
}
