package dev.sandbox.rag.query;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * Between a streaming model and the caller: tokens go in, and a sentence's tokens come out only
 * once the sentence is complete and the {@link Groundedness} check has passed it. An unsupported
 * sentence never reaches the caller, not even for a moment; the price is that the stream moves a
 * sentence at a time rather than a token at a time. A kept sentence that the output redaction
 * changes leaves as one piece, redacted. Thread-safe: the model's callbacks and the waiting request
 * thread may both touch it.
 */
final class SentenceGate {

    private final Groundedness check;
    private final List<Citation> citations;
    private final UnaryOperator<String> redact;
    private final Consumer<String> out;
    private final StringBuilder text = new StringBuilder();
    private final TreeSet<Integer> tokenStarts = new TreeSet<>();
    private final List<String> kept = new ArrayList<>();
    private int decided;
    private int dropped;

    SentenceGate(Groundedness check, List<Citation> citations, UnaryOperator<String> redact, Consumer<String> out) {
        this.check = check;
        this.citations = citations;
        this.redact = redact;
        this.out = out;
    }

    synchronized void accept(String token) {
        if (token == null || token.isEmpty()) {
            return;
        }
        tokenStarts.add(text.length());
        text.append(token);
        release(false);
    }

    /** The model has finished: whatever is left is the last sentence. */
    synchronized void finish() {
        release(true);
    }

    /** The kept sentences, as the caller received them. */
    synchronized String answer() {
        return String.join(" ", kept);
    }

    synchronized boolean grounded() {
        return !kept.isEmpty();
    }

    synchronized int dropped() {
        return dropped;
    }

    /** Everything the model wrote, kept or not (what it costs). */
    synchronized String raw() {
        return text.toString();
    }

    private void release(boolean complete) {
        var cut = Groundedness.cut(text.substring(decided), complete);
        for (var sentence : cut.sentences()) {
            if (!check.supported(sentence.text(), citations)) {
                dropped++;
                continue;
            }
            var separator = kept.isEmpty() ? "" : " ";
            var redacted = redact.apply(sentence.text());
            if (redacted.equals(sentence.text())) {
                emitTokens(decided + sentence.start(), decided + sentence.end(), separator);
            } else {
                out.accept(separator + redacted);
            }
            kept.add(redacted);
        }
        decided += cut.rest();
    }

    /** The sentence's text cut where the model's tokens began: the caller sees the model's own pieces. */
    private void emitTokens(int start, int end, String separator) {
        var from = start;
        var prefix = separator;
        for (var boundary : tokenStarts.subSet(start, false, end, false)) {
            out.accept(prefix + text.substring(from, boundary));
            prefix = "";
            from = boundary;
        }
        out.accept(prefix + text.substring(from, end));
    }
}
