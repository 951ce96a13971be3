package dev.sandbox.rag.query;

import java.text.BreakIterator;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The default answerer, deterministic and model-free: it quotes the retrieved sentences that best
 * cover the question's terms (analysed as BM25 analyses them: stemmed, stop words dropped), each
 * followed by the number of its citation. A sentence is evidence only when it holds at least
 * {@code minCoverage} of the question's terms; with no such sentence the answer says it does not
 * know ({@code grounded: false}) instead of guessing. Instructions inside documents ("ignore your
 * rules...") are text to quote at most, never to follow: nothing here executes what it reads.
 */
public final class ExtractiveAnswerer {

    public static final String DONT_KNOW = "I don't know: the indexed documents do not answer this question.";

    /** How a text is cut into analysed terms (the index's analyser). */
    @FunctionalInterface
    public interface Terms {
        List<String> of(String text);
    }

    private record Candidate(int citation, String sentence, double coverage, int rank) {
    }

    /** The answer text, whether it is grounded, and its sentences, each with its citation mark. */
    public record Result(String text, boolean grounded, List<String> sentences) {
    }

    private final Terms terms;
    private final double minCoverage;
    private final int maxSentences;

    public ExtractiveAnswerer(Terms terms, double minCoverage, int maxSentences) {
        this.terms = terms;
        this.minCoverage = minCoverage;
        this.maxSentences = maxSentences;
    }

    /**
     * The answer from the retrieved chunks' sentences ({@link #sentences(String)} of each chunk's
     * text, in the order of their ranks: the first list is citation 1).
     */
    public Result answer(String question, List<List<String>> chunks) {
        var wanted = new LinkedHashSet<>(terms.of(question));
        if (wanted.isEmpty() || chunks.isEmpty()) {
            return new Result(DONT_KNOW, false, List.of());
        }
        var candidates = new ArrayList<Candidate>();
        for (var rank = 0; rank < chunks.size(); rank++) {
            for (var sentence : chunks.get(rank)) {
                Set<String> found = new HashSet<>(terms.of(sentence));
                found.retainAll(wanted);
                var coverage = (double) found.size() / wanted.size();
                if (coverage >= minCoverage) {
                    candidates.add(new Candidate(rank + 1, sentence, coverage, rank));
                }
            }
        }
        if (candidates.isEmpty()) {
            return new Result(DONT_KNOW, false, List.of());
        }
        candidates.sort(Comparator.comparingDouble(Candidate::coverage).reversed().thenComparingInt(Candidate::rank));
        var seen = new HashSet<String>();
        var quoted = new ArrayList<String>();
        for (var candidate : candidates) {
            if (seen.size() == maxSentences) {
                break;
            }
            if (!seen.add(candidate.sentence())) {
                continue;
            }
            quoted.add(candidate.sentence() + " [" + candidate.citation() + "]");
        }
        return new Result(String.join(" ", quoted), true, List.copyOf(quoted));
    }

    /** The sentences of a chunk, whitespace-trimmed; each is a substring of the chunk. */
    public static List<String> sentences(String text) {
        var result = new ArrayList<String>();
        var iterator = BreakIterator.getSentenceInstance(Locale.ROOT);
        iterator.setText(text);
        var start = iterator.first();
        for (var end = iterator.next(); end != BreakIterator.DONE; start = end, end = iterator.next()) {
            // A blank line ends a sentence too: headings, list items and code have no full stop.
            for (var piece : text.substring(start, end).split("\\n\\s*\\n")) {
                var sentence = piece.strip();
                if (!sentence.isEmpty()) {
                    result.add(sentence);
                }
            }
        }
        return result;
    }
}
