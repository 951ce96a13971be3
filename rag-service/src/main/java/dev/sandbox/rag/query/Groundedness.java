package dev.sandbox.rag.query;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The check every answer passes before it leaves, whoever wrote it: a sentence stays only when it
 * cites at least one retrieved chunk ({@code [n]}, 1 ≤ n ≤ the number of citations), cites nothing
 * else, and at least {@code minSupport} of its terms (analysed as BM25 analyses them: stemmed, stop
 * words dropped) occur in the chunks it cites. Everything else is dropped, not repaired: an uncited
 * sentence, a citation of a chunk that was not retrieved, a claim whose words the cited chunk does
 * not contain. The check is lexical, so it errs on the side of silence: a faithful paraphrase in
 * other words is dropped too, an unsupported claim made only of the chunk's own words may pass.
 */
public final class Groundedness {

    private static final Pattern MARKER = Pattern.compile("\\[(\\d{1,3})]");
    private static final Pattern PARTIAL_MARKER = Pattern.compile("\\[\\d{0,3}");

    private final ExtractiveAnswerer.Terms terms;
    private final double minSupport;

    public Groundedness(ExtractiveAnswerer.Terms terms, double minSupport) {
        this.terms = terms;
        this.minSupport = minSupport;
    }

    /** Whether one answer sentence is supported by the citations it names. */
    public boolean supported(String sentence, List<Citation> citations) {
        var cited = new HashSet<Integer>();
        var marker = MARKER.matcher(sentence);
        while (marker.find()) {
            var n = Integer.parseInt(marker.group(1));
            if (n < 1 || n > citations.size()) {
                return false;
            }
            cited.add(n);
        }
        if (cited.isEmpty()) {
            return false;
        }
        // Stripped, a quoted sentence is its citation's text exactly (terms an answerer may have remembered).
        Set<String> claimed = new HashSet<>(terms.of(MARKER.matcher(sentence).replaceAll(" ").strip()));
        if (claimed.isEmpty()) {
            return false;
        }
        var evidence = new HashSet<String>();
        cited.forEach(n -> evidence.addAll(terms.of(citations.get(n - 1).text())));
        var found = claimed.stream().filter(evidence::contains).count();
        return found >= minSupport * claimed.size();
    }

    /**
     * The sentences of an answer: cut after {@code .}, {@code !} or {@code ?} followed by white space
     * (citation markers right after the stop stay with their sentence) and at blank lines.
     * With {@code complete} false the text is still growing: the last piece is returned only once
     * something that cannot belong to it follows, so a marker arriving in the next token is not lost.
     */
    static Cut cut(String text, boolean complete) {
        var sentences = new ArrayList<Sentence>();
        var start = 0;
        var i = 0;
        while (i < text.length()) {
            var c = text.charAt(i);
            var end = -1;
            if (c == '.' || c == '!' || c == '?') {
                end = afterMarkers(text, i + 1);
            } else if (c == '\n' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
                end = i;
            }
            if (end < 0) {
                i++;
                continue;
            }
            var next = skipSpace(text, end);
            if (!complete && PARTIAL_MARKER.matcher(text).region(next, text.length()).matches()) {
                break; // "[1" may be this sentence's citation, half arrived
            }
            if (next == end && end < text.length()) {
                i++; // "3.5", "e.g.x": no space after the stop, no end of sentence
                continue;
            }
            if (next == text.length() && !complete) {
                break; // a marker or more of this sentence may still come
            }
            add(sentences, text, start, end);
            start = next;
            i = next;
        }
        if (complete) {
            add(sentences, text, start, text.length());
            start = text.length();
        }
        return new Cut(sentences, start);
    }

    /** A sentence, white space trimmed, and where it is in the text that was cut. */
    record Sentence(String text, int start, int end) {
    }

    /** Complete sentences, and where the text that is not one yet begins. */
    record Cut(List<Sentence> sentences, int rest) {
    }

    private static int afterMarkers(String text, int from) {
        var end = from;
        while (true) {
            var next = skipSpace(text, end);
            var marker = MARKER.matcher(text).region(next, text.length());
            if (!marker.lookingAt()) {
                break;
            }
            end = marker.end();
            if (end < text.length() && ".!?".indexOf(text.charAt(end)) >= 0) {
                end++;
            }
        }
        return end;
    }

    private static int skipSpace(String text, int from) {
        var i = from;
        while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
            i++;
        }
        return i;
    }

    private static void add(List<Sentence> sentences, String text, int start, int end) {
        var from = skipSpace(text, start);
        var to = end;
        while (to > from && Character.isWhitespace(text.charAt(to - 1))) {
            to--;
        }
        if (to > from) {
            sentences.add(new Sentence(text.substring(from, to), from, to));
        }
    }
}
