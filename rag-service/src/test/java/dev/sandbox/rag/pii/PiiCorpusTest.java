package dev.sandbox.rag.pii;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/**
 * Precision and recall of the redactor per kind, over a small corpus of marked cases and hard
 * negatives (versions, dates, times, ISBNs, numbers that fail Luhn or mod-97). A redaction is a
 * true positive when the marked value is gone and its kind's placeholder is there; any redaction of
 * a kind on a line without that kind's marker is a false positive. The table is printed.
 */
class PiiCorpusTest {

    private static final Pattern MARKER = Pattern.compile("\\[\\[([A-Z_]+)\\|(.+?)]]");

    @Test
    void precisionAndRecallPerKind() throws IOException {
        var redactor = new PiiRedactor(true, EnumSet.allOf(PiiKind.class), "US");
        Map<PiiKind, int[]> counts = new EnumMap<>(PiiKind.class); // tp, fp, fn
        for (var kind : PiiKind.values()) {
            counts.put(kind, new int[3]);
        }
        for (var line : Files.readAllLines(Path.of("src/test/resources/pii/corpus.txt"), StandardCharsets.UTF_8)) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            var matcher = MARKER.matcher(line);
            PiiKind expected = null;
            String value = null;
            if (matcher.find()) {
                expected = PiiKind.valueOf(matcher.group(1));
                value = matcher.group(2);
            }
            var text = MARKER.matcher(line).replaceAll("$2");
            var redaction = redactor.redactCounting(text);
            for (var entry : redaction.counts().entrySet()) {
                if (entry.getKey() != expected) {
                    counts.get(entry.getKey())[1] += entry.getValue();
                }
            }
            if (expected != null) {
                var caught = !redaction.text().contains(value) && redaction.text().contains(expected.placeholder());
                counts.get(expected)[caught ? 0 : 2]++;
            } else {
                assertThat(redaction.text()).as("a line without PII stays as it is").isEqualTo(text);
            }
        }
        System.out.println("| kind | cases | precision | recall |");
        System.out.println("|---|---|---|---|");
        counts.forEach((kind, c) -> {
            var precision = c[0] + c[1] == 0 ? 1.0 : (double) c[0] / (c[0] + c[1]);
            var recall = c[0] + c[2] == 0 ? 1.0 : (double) c[0] / (c[0] + c[2]);
            System.out.printf("| %s | %d | %.2f | %.2f |%n", kind.name().toLowerCase().replace('_', '-'), c[0] + c[2], precision, recall);
            assertThat(precision).as(kind + " precision").isGreaterThanOrEqualTo(0.9);
            assertThat(recall).as(kind + " recall").isGreaterThanOrEqualTo(0.75);
        });
    }

    @Test
    void redactionIsIdempotent() {
        var redactor = new PiiRedactor(true, EnumSet.allOf(PiiKind.class), "US");
        var once = redactor.redact("Mail bob@example.com or call +1 415-555-2671 from 10.0.0.1.");
        assertThat(once).isEqualTo("Mail [EMAIL] or call [PHONE] from [IP].");
        assertThat(redactor.redact(once)).isEqualTo(once);
    }
}
