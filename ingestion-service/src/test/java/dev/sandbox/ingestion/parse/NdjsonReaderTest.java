package dev.sandbox.ingestion.parse;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

class NdjsonReaderTest {

    private static List<ParsedRecord> read(String ndjson, int maxRecordBytes) throws IOException {
        return Records.readAll(new NdjsonReader(new ByteArrayInputStream(ndjson.getBytes(StandardCharsets.UTF_8)), maxRecordBytes));
    }

    @Test
    void oneObjectPerLineNumberedByLine() throws IOException {
        var records = read("{\"id\":\"a\"}\r\n\n{\"id\":\"b\"}\n   \n{\"id\":\"c\"}", 1000);

        assertThat(records).extracting(r -> r.fields().get("id").asText()).containsExactly("a", "b", "c");
        assertThat(records).extracting(ParsedRecord::number).containsExactly(1L, 3L, 5L);
    }

    @Test
    void aBrokenLineIsAnErrorOfThatLineAndTheNextIsRead() throws IOException {
        var records = read("{\"id\":\"a\"}\n{\"id\": \n[1,2]\n{\"id\":\"d\"}\n", 1000);

        assertThat(records).extracting(ParsedRecord::readable).containsExactly(true, false, false, true);
        assertThat(records.get(1).number()).isEqualTo(2);
        assertThat(records.get(1).error()).startsWith("malformed JSON: ");
        assertThat(records.get(2).error()).isEqualTo("expected a JSON object");
    }

    @Test
    void anOverlongLineIsSkippedToItsEnd() throws IOException {
        var records = read("{\"id\":\"a\"}\n{\"id\":\"" + "x".repeat(100_000) + "\"}\n{\"id\":\"c\"}\n", 1000);

        assertThat(records).hasSize(3);
        assertThat(records.get(1).error()).isEqualTo("line longer than 1000 bytes");
        assertThat(records.get(2).fields().get("id").asText()).isEqualTo("c");
        assertThat(records.get(2).number()).isEqualTo(3);
    }

    @Test
    void aKeyTwiceInOneObjectIsRefusedByName() throws IOException {
        var records = read("{\"id\":\"a\",\"payload\":{\"dup\":1,\"dup\":2}}\n{\"id\":\"b\"}\n", 1000);

        assertThat(records).extracting(ParsedRecord::readable).containsExactly(false, true);
        assertThat(records.getFirst().error()).startsWith("duplicate key \"dup\"");
    }

    @Test
    void aLineIsOneValueNotTheFirstOfSeveral() throws IOException {
        var records = read("{\"id\":\"a\"} {\"id\":\"b\"}\n{\"id\":\"c\"} x\n", 1000);

        assertThat(records).extracting(ParsedRecord::readable).containsExactly(false, false);
    }
}
