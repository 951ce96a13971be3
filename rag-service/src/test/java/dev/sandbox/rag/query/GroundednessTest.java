package dev.sandbox.rag.query;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import org.junit.jupiter.api.Test;

/** The groundedness check and the sentence cut it relies on, without the index (terms: lower-cased words). */
class GroundednessTest {

    static final Groundedness CHECK = new Groundedness(
            text -> Arrays.stream(text.toLowerCase(Locale.ROOT).split("\\W+")).filter(word -> word.length() > 2).toList(), 0.8);

    static final List<Citation> CITATIONS = List.of(new Citation("c-1", "d-1", "Mill", "", 1, "The mill grinds barley at the ebb."),
            new Citation("c-2", "d-1", "Mill", "", 1, "The pond fills through a sluice."));

    @Test
    void aSentenceStaysOnlyWhenItsCitedChunksHoldItsWords() {
        assertThat(CHECK.supported("The mill grinds barley [1].", CITATIONS)).isTrue();
        assertThat(CHECK.supported("The mill grinds barley [2].", CITATIONS)).as("cites the wrong chunk").isFalse();
        assertThat(CHECK.supported("The mill grinds barley [1][2].", CITATIONS)).isTrue();
        assertThat(CHECK.supported("The mill grinds barley.", CITATIONS)).as("uncited").isFalse();
        assertThat(CHECK.supported("The mill grinds barley [3].", CITATIONS)).as("a chunk never retrieved").isFalse();
        assertThat(CHECK.supported("The miller was paid in gold [1].", CITATIONS)).as("not in the chunk").isFalse();
        assertThat(CHECK.supported("[1].", CITATIONS)).as("no claim at all").isFalse();
    }

    @Test
    void sentencesAreCutAfterTheirCitationMarks() {
        var cut = Groundedness.cut("One claim [1]. Two claims. [2] Version 3.5 is e.g. fine [1]!\n\nA heading", true);
        assertThat(cut.sentences().stream().map(Groundedness.Sentence::text))
                .containsExactly("One claim [1].", "Two claims. [2]", "Version 3.5 is e.g.", "fine [1]!", "A heading");
    }

    @Test
    void aGrowingTextKeepsItsLastSentenceUntilNothingMoreCanJoinIt() {
        assertThat(Groundedness.cut("One claim.", false).sentences()).isEmpty();
        assertThat(Groundedness.cut("One claim. ", false).sentences()).isEmpty();
        assertThat(Groundedness.cut("One claim. [1", false).sentences()).as("a citation half arrived").isEmpty();
        var cut = Groundedness.cut("One claim. [1] Two", false);
        assertThat(cut.sentences()).extracting(Groundedness.Sentence::text).containsExactly("One claim. [1]");
        assertThat("One claim. [1] Two".substring(cut.rest())).isEqualTo("Two");
    }
}
