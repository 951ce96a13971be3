package dev.sandbox.rag.chunk;

/** Counts the embedding model's wordpieces in a text, without special tokens and without truncating. */
@FunctionalInterface
public interface Wordpieces {

    int count(String text);
}
