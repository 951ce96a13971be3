package dev.sandbox.ingestion.parse;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;

import org.junit.jupiter.api.Test;

import dev.sandbox.ingestion.fidelity.CsvSpectrum;
import dev.sandbox.infra.testing.PeerSuites;

/** The CSV reader, held to csv-spectrum: every file's rows are the suite's expected rows, field for field. */
class CsvSpectrumReaderTest {

    @Test
    void everyFileReadsAsTheSuiteExpects() throws IOException {
        var uploads = CsvSpectrum.uploads("reader");
        assertThat(uploads).hasSizeGreaterThanOrEqualTo(11);
        for (var upload : uploads) {
            var records = Records.readAll(new CsvReader(new ByteArrayInputStream(upload.body()), 1 << 20));
            assertThat(records).as(upload.name()).allMatch(ParsedRecord::readable);
            assertThat(records).as(upload.name()).extracting(record -> record.fields().get("payload"))
                    .containsExactlyElementsOf(upload.expected());
        }
    }

    /** The one file left out is left out because the suite contradicts itself there, and only while it does. */
    @Test
    void theFileLeftOutStillDisagreesWithItsOwnCsv() {
        var broken = PeerSuites.csvSpectrum().stream().filter(suiteCase -> suiteCase.name().equals(CsvSpectrum.BROKEN_UPSTREAM))
                .findFirst().orElseThrow();
        assertThat(CsvSpectrum.expected(broken).isArray()).isFalse();
        assertThat(new String(broken.csv(), java.nio.charset.StandardCharsets.UTF_8))
                .doesNotContain(CsvSpectrum.expected(broken).get("Contact Phone Number").asText());
    }
}
