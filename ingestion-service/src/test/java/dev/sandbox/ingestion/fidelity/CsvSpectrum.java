package dev.sandbox.ingestion.fidelity;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.apache.commons.csv.CSVFormat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.sandbox.infra.testing.PeerSuites;

/**
 * csv-spectrum's files as uploads. The files have no {@code id}, {@code type} or {@code source}
 * column, so each upload is the file with three columns spliced in front of every record (where a
 * reference parser, Apache Commons CSV, says each record starts); everything the file holds stays
 * byte for byte as it is, and each stored payload must equal the suite's expected row.
 */
public final class CsvSpectrum {

    /** One file: the upload, and per row its event id and expected payload. */
    public record Upload(String name, byte[] body, List<String> ids, List<ObjectNode> expected) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * The suite's location_coordinates.json disagrees with its own CSV (another phone number, and an
     * object where every other file has an array of rows): it cannot be held against any parser.
     */
    public static final String BROKEN_UPSTREAM = "location_coordinates";

    private CsvSpectrum() {
    }

    public static List<Upload> uploads(String idPrefix) {
        var uploads = new ArrayList<Upload>();
        for (var suiteCase : PeerSuites.csvSpectrum()) {
            if (suiteCase.name().equals(BROKEN_UPSTREAM)) {
                continue;
            }
            uploads.add(upload(idPrefix, suiteCase));
        }
        return uploads;
    }

    /** The expected rows of a case, as the suite gives them. */
    public static JsonNode expected(PeerSuites.CsvCase suiteCase) {
        try {
            return JSON.readTree(suiteCase.expectedJson());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Upload upload(String idPrefix, PeerSuites.CsvCase suiteCase) {
        var text = new String(suiteCase.csv(), StandardCharsets.UTF_8);
        var starts = new ArrayList<Integer>();
        try (var parser = CSVFormat.RFC4180.parse(new StringReader(text))) {
            parser.forEach(record -> starts.add((int) record.getCharacterPosition()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        var ids = new ArrayList<String>();
        var body = new StringBuilder(text.length() + 64 * starts.size());
        for (var i = 0; i < starts.size(); i++) {
            var end = i + 1 < starts.size() ? starts.get(i + 1) : text.length();
            if (i == 0) {
                body.append("id,type,source,");
            } else {
                var id = idPrefix + "-" + suiteCase.name() + "-" + i;
                ids.add(id);
                body.append(id).append(",csv-spectrum,").append(suiteCase.name()).append(',');
            }
            body.append(text, starts.get(i), end);
        }
        var expected = new ArrayList<ObjectNode>();
        expected(suiteCase).forEach(row -> expected.add((ObjectNode) row));
        if (expected.size() != ids.size()) {
            throw new IllegalStateException(suiteCase.name() + ": " + ids.size() + " records, " + expected.size() + " expected rows");
        }
        return new Upload(suiteCase.name(), body.toString().getBytes(StandardCharsets.UTF_8), List.copyOf(ids), List.copyOf(expected));
    }
}
