package dev.sandbox.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * docs/errors.md is the one catalogue of problem types: every type the code answers is listed
 * there, with the status it is answered with, and no type is answered with two statuses.
 */
class ProblemCatalogueTest {

    private static final Path ROOT = DeploymentTopology.ROOT;
    /** {@code 413, "body-too-large"} or {@code 413, ProblemTypes.BODY_TOO_LARGE}, as problems are built. */
    private static final Pattern IN_CODE = Pattern.compile("\\b([1-5]\\d\\d), (?:\"([a-z0-9-]+)\"|ProblemTypes\\.([A-Z_]+))");
    private static final Pattern CONSTANT = Pattern.compile("String ([A-Z_]+) = \"([a-z0-9-]+)\"");
    private static final Pattern ROW = Pattern.compile("^\\| `([a-z0-9-]+)` \\| (\\d{3}) \\|", Pattern.MULTILINE);

    @Test
    void everyTypeInTheCodeIsInTheCatalogueWithItsStatus() throws IOException {
        var catalogue = new HashMap<String, String>();
        var matcher = ROW.matcher(Files.readString(ROOT.resolve("docs/errors.md")));
        while (matcher.find()) {
            catalogue.put(matcher.group(1), matcher.group(2));
        }
        var constants = constants();
        var used = new TreeMap<String, Set<String>>();
        for (var file : mainSources()) {
            var code = IN_CODE.matcher(read(file));
            while (code.find()) {
                var type = code.group(2) != null ? code.group(2) : constants.get(code.group(3));
                used.computeIfAbsent(type, t -> new TreeSet<>()).add(code.group(1));
            }
        }
        assertThat(used).as("types in the code").containsKeys("body-too-large", "validation", "not-an-api-instance");
        var twoStatuses = used.entrySet().stream().filter(entry -> entry.getValue().size() > 1).toList();
        assertThat(twoStatuses).as("types answered with more than one status").isEmpty();
        var missing = new TreeSet<String>();
        used.forEach((type, statuses) -> {
            if (!catalogue.containsKey(type) || !statuses.contains(catalogue.get(type))) {
                missing.add(type + " " + statuses);
            }
        });
        assertThat(missing).as("types the code answers that docs/errors.md does not list with that status").isEmpty();
    }

    private static Map<String, String> constants() {
        var constants = new HashMap<String, String>();
        var matcher = CONSTANT.matcher(read(ROOT.resolve("common/src/main/java/dev/sandbox/common/problem/ProblemTypes.java")));
        while (matcher.find()) {
            constants.put(matcher.group(1), matcher.group(2));
        }
        return constants;
    }

    private static Set<Path> mainSources() throws IOException {
        var sources = new HashSet<Path>();
        try (Stream<Path> modules = Files.list(ROOT)) {
            for (var module : modules.filter(dir -> Files.isDirectory(dir.resolve("src/main/java"))).toList()) {
                try (Stream<Path> files = Files.walk(module.resolve("src/main/java"))) {
                    files.filter(file -> file.toString().endsWith(".java")).forEach(sources::add);
                }
            }
        }
        assertThat(sources).as("main sources under " + ROOT).isNotEmpty();
        return sources;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
