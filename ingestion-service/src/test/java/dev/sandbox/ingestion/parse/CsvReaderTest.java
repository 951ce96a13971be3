package dev.sandbox.ingestion.parse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

class CsvReaderTest {

    private static List<ParsedRecord> read(String csv) throws IOException {
        return read(csv.getBytes(StandardCharsets.UTF_8), 1 << 20);
    }

    private static List<ParsedRecord> read(byte[] csv, int maxRecordBytes) throws IOException {
        return Records.readAll(new CsvReader(new ByteArrayInputStream(csv), maxRecordBytes));
    }

    @Test
    void mapsHeaderColumnsToFieldsAndTheRestToThePayload() throws IOException {
        var records = read("id,type,source,ts,colour,size\ne1,click,web,2026-01-01T00:00:00Z,red,3\n");

        assertThat(records).hasSize(1);
        assertThat(records.getFirst().number()).isEqualTo(2);
        assertThat(records.getFirst().fields().toString())
                .isEqualTo("{\"id\":\"e1\",\"type\":\"click\",\"source\":\"web\",\"ts\":\"2026-01-01T00:00:00Z\","
                        + "\"payload\":{\"colour\":\"red\",\"size\":\"3\"}}");
    }

    @Test
    void quotedFieldsKeepCommasEscapedQuotesAndNewlines() throws IOException {
        var records = read("id,type,note\n\"e,1\",\"say \"\"hi\"\"\",\"two\nlines\"\ne2,t,plain\n");

        assertThat(records).hasSize(2).allMatch(ParsedRecord::readable);
        var first = records.getFirst().fields();
        assertThat(first.get("id").asText()).isEqualTo("e,1");
        assertThat(first.get("type").asText()).isEqualTo("say \"hi\"");
        assertThat(first.get("payload").get("note").asText()).isEqualTo("two\nlines");
        // The quoted newline does not start a row: e2 is row 3, though it is on line 4.
        assertThat(records.get(1).number()).isEqualTo(3);
    }

    @Test
    void crlfAndLfBothEndRows() throws IOException {
        var records = read("id,type\r\ne1,a\r\ne2,b\ne3,c");

        assertThat(records).extracting(r -> r.fields().get("id").asText()).containsExactly("e1", "e2", "e3");
        assertThat(records).extracting(ParsedRecord::number).containsExactly(2L, 3L, 4L);
    }

    /** RFC 4180 keeps a field's content as it is: empty stays empty, and what an empty event field means is EventFields' call. */
    @Test
    void emptyFieldsStayEmptyStrings() throws IOException {
        var records = read("id,type,source,extra\ne1,,\"\",\n");

        assertThat(records.getFirst().fields().toString())
                .isEqualTo("{\"id\":\"e1\",\"type\":\"\",\"source\":\"\",\"payload\":{\"extra\":\"\"}}");
    }

    @Test
    void lineBreaksInsideQuotesAndColumnNamesAreKeptAsSent() throws IOException {
        var records = read("ID,Type,Contact Phone Number, padded \r\ne1,t,\"one\r\ntwo\",\"three\rfour\"\r\n");

        var fields = records.getFirst().fields();
        assertThat(fields.get("id").asText()).isEqualTo("e1");
        assertThat(fields.get("type").asText()).isEqualTo("t");
        assertThat(fields.get("payload").get("Contact Phone Number").asText()).isEqualTo("one\r\ntwo");
        assertThat(fields.get("payload").get(" padded ").asText()).isEqualTo("three\rfour");
    }

    @Test
    void aQuotedEmptyFieldIsARowNotABlankLine() throws IOException {
        var records = read("id\n\n\"\"\ne2\n");

        assertThat(records).extracting(record -> record.fields().get("id").asText()).containsExactly("", "e2");
    }

    @Test
    void unicodeIsKeptWhole() throws IOException {
        var records = read("id,type,city\né-1,日本,\"Zürich 🚀\"\n");

        var fields = records.getFirst().fields();
        assertThat(fields.get("id").asText()).isEqualTo("é-1");
        assertThat(fields.get("type").asText()).isEqualTo("日本");
        assertThat(fields.get("payload").get("city").asText()).isEqualTo("Zürich 🚀");
    }

    @Test
    void missingAndExtraColumnsAreErrorsOfTheirRowOnly() throws IOException {
        var records = read("id,type,source\ne1,a,s\ne2,b\ne3,c,s,surplus\ne4,d,s\n");

        assertThat(records).extracting(ParsedRecord::readable).containsExactly(true, false, false, true);
        assertThat(records.get(1).number()).isEqualTo(3);
        assertThat(records.get(1).error()).isEqualTo("has 2 fields, the header has 3");
        assertThat(records.get(2).number()).isEqualTo(4);
        assertThat(records.get(2).error()).isEqualTo("has 4 fields, the header has 3");
    }

    @Test
    void rowNumbersCountRowsAndErrorsNameTheLineWhenItDiffers() throws IOException {
        var records = read("id,type,note\ne1,a,\"multi\nline\nnote\"\ne2,b\n");

        assertThat(records.get(1).number()).isEqualTo(3);
        assertThat(records.get(1).error()).isEqualTo("has 2 fields, the header has 3 (row starts on line 5)");
    }

    @Test
    void anUnterminatedQuoteAtTheEndIsAnErrorOfItsRowNamingWhereItOpened() throws IOException {
        var records = read("id,type\ne1,a\ne2,\"never closed\ne3,c\n");

        assertThat(records).hasSize(2);
        assertThat(records.get(0).readable()).isTrue();
        assertThat(records.get(1).number()).isEqualTo(3);
        assertThat(records.get(1).error()).isEqualTo("unterminated quote: field 2 opens a quote on line 3 that is never closed");
    }

    @Test
    void strayQuotesAreErrorsOfTheirRow() throws IOException {
        var records = read("id,type\ne\"1,a\n\"e2\"x,b\ne3,c\n");

        assertThat(records.get(0).error()).isEqualTo("quote inside an unquoted field 1; quote the whole field");
        assertThat(records.get(1).error()).isEqualTo("text after the closing quote of field 1");
        assertThat(records.get(2).readable()).isTrue();
        assertThat(records).extracting(ParsedRecord::number).containsExactly(2L, 3L, 4L);
    }

    @Test
    void anOverlongRowIsRejectedWithoutBeingKeptAndTheNextIsRead() throws IOException {
        var csv = "id,type\ne1," + "x".repeat(5_000) + "\ne2,b\n";

        var records = read(csv.getBytes(StandardCharsets.UTF_8), 1_000);

        assertThat(records.get(0).error()).isEqualTo("row longer than 1000 characters");
        assertThat(records.get(1).fields().get("id").asText()).isEqualTo("e2");
        assertThat(records.get(1).number()).isEqualTo(3);
    }

    @Test
    void blankLinesAreSkipped() throws IOException {
        assertThat(read("id,type\n\ne1,a\n\n")).hasSize(1);
    }

    @Test
    void aHeaderWithoutAnIdColumnMakesTheBodyUnreadable() {
        assertThatThrownBy(() -> read("type,source\na,b\n")).isInstanceOf(UnreadableBodyException.class)
                .hasMessage("header row: no id column (columns: type, source)");
        assertThatThrownBy(() -> read("")).isInstanceOf(UnreadableBodyException.class).hasMessageStartingWith("empty body");
        assertThatThrownBy(() -> read("id,id\n")).hasMessage("header row: column id appears twice");
    }

    @Test
    void bytesThatAreNotUtf8MakeTheBodyUnreadable() {
        var garbage = new byte[] {'i', 'd', '\n', (byte) 0xC3, (byte) 0x28, (byte) 0xFF, '\n'};

        assertThatThrownBy(() -> read(garbage, 1000)).isInstanceOf(UnreadableBodyException.class)
                .hasMessage("the body is not UTF-8 text");
    }
}
