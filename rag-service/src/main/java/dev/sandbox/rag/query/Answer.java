package dev.sandbox.rag.query;

import java.util.List;

import dev.sandbox.rag.quota.Usage;

/**
 * A query's answer: grounded when it has at least one sentence and every sentence is supported by
 * the citations it names; {@code dropped} counts the sentences the groundedness check removed.
 */
public record Answer(String answer, boolean grounded, String mode, List<Citation> citations, Usage usage, int dropped) {
}
