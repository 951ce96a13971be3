package dev.sandbox.ingestion.parse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

class JsonArrayReaderTest {

    private static List<ParsedRecord> read(String json) throws IOException {
        return Records.readAll(new JsonArrayReader(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)), 1000));
    }

    @Test
    void elementsAreReadOneByOneWithTheirIndexAndLine() throws IOException {
        var records = read("[\n{\"id\":\"a\"},\n42,\n{\"id\":\"c\"}\n]");

        assertThat(records).extracting(ParsedRecord::number).containsExactly(2L, 3L, 4L);
        assertThat(records).extracting(ParsedRecord::fieldPrefix).containsExactly("[0].", "[1].", "[2].");
        assertThat(records.get(1).error()).isEqualTo("expected an object, got a number");
        assertThat(read("[]")).isEmpty();
    }

    @Test
    void brokenJsonMidStreamEndsTheReadingAfterTheGoodElements() throws IOException {
        var reader = new JsonArrayReader(new ByteArrayInputStream("[{\"id\":\"a\"},\n{\"id\" \"b\"}]".getBytes(StandardCharsets.UTF_8)), 1000);

        assertThat(reader.next().fields().get("id").asText()).isEqualTo("a");
        assertThatThrownBy(reader::next).isInstanceOf(UnreadableBodyException.class).hasMessageStartingWith("malformed JSON at line 2, column");
    }

    @Test
    void somethingElseThanAnArrayIsUnreadable() {
        assertThatThrownBy(() -> read("{\"id\":\"a\"}")).hasMessage("expected a JSON array of events at line 1, got an object");
        assertThatThrownBy(() -> read("")).hasMessage("expected a JSON array of events, got an empty body");
        assertThatThrownBy(() -> read("[{\"id\":\"a\"}"))
                .hasMessage("malformed JSON at line 1, column 12: Unexpected end-of-input: expected close marker for Array");
        assertThatThrownBy(() -> read("[] []")).hasMessageContaining("content after the closing ]");
    }

    @Test
    void anOverlongValueFailsFastInsteadOfBeingBuffered() {
        assertThatThrownBy(() -> read("[{\"id\":\"" + "x".repeat(5_000) + "\"}]"))
                .isInstanceOf(UnreadableBodyException.class).hasMessageContaining("String value length");
    }

    /** A key twice is an error of its element alone: the elements after it are read as usual, digits intact. */
    @Test
    void aKeyTwiceIsAnErrorOfItsElementOnly() throws IOException {
        var records = read("[{\"id\":\"a\",\"id\":\"b\"},{\"id\":\"c\",\"payload\":{\"n\":0.1000000000000000055511151231257827}}]");

        assertThat(records).extracting(ParsedRecord::readable).containsExactly(false, true);
        assertThat(records.getFirst().error()).startsWith("duplicate key \"id\"");
        assertThat(records.get(1).fields().get("payload").get("n").decimalValue().toPlainString())
                .isEqualTo("0.1000000000000000055511151231257827");
    }
}
