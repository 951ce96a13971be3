package dev.sandbox.rag.query;

import java.util.List;

import dev.sandbox.rag.quota.Usage;

/** A query's answer: grounded only when every sentence of it is quoted from a citation. */
public record Answer(String answer, boolean grounded, String mode, List<Citation> citations, Usage usage) {
}
