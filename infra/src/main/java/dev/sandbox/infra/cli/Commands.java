package dev.sandbox.infra.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The one command table of {@code ./sandbox} ({@code commands.txt} next to this class): the script
 * prints its help from the same file, so both halves, and the README's table, say the same.
 */
public final class Commands {

    /** Who runs a command: the script alone, Java alone, both (the script prepares, Java runs), or Java for the script only. */
    public enum Half { SCRIPT, JAVA, BOTH, INTERNAL }

    /** One row: {@code usage} is the command and its arguments. */
    public record Command(String usage, String summary, Half half) {

        public String name() {
            return usage.split(" ", 2)[0];
        }

        public boolean listed() {
            return half != Half.INTERNAL;
        }

        public boolean runsInJava() {
            return half != Half.SCRIPT;
        }
    }

    private static final String TABLE = "commands.txt";

    private Commands() {
    }

    public static List<Command> all() {
        var commands = new ArrayList<Command>();
        for (var line : lines()) {
            if (line.isBlank() || line.startsWith("#") || line.startsWith("note: ")) {
                continue;
            }
            var columns = line.split(" \\| ", -1);
            if (columns.length != 3) {
                throw new IllegalStateException("a command is <usage> | <summary> | <half>: " + line);
            }
            commands.add(new Command(columns[0], columns[1], Half.valueOf(columns[2].trim().toUpperCase())));
        }
        return commands;
    }

    /** The help text, as {@code ./sandbox help} prints it; {@code root} is where loadtests/ is. */
    public static String help(Path root) {
        var text = new StringBuilder("usage: ./sandbox <command> [args]\n\n");
        for (var command : all()) {
            if (command.listed()) {
                text.append(String.format("  %-32s %s%n", command.usage(), command.summary().replace("{benchmarks}", benchmarks(root))));
            }
        }
        text.append('\n');
        lines().stream().filter(line -> line.startsWith("note: ")).forEach(line -> text.append(line.substring(6)).append('\n'));
        return text.toString();
    }

    /** The benchmarks: the directories of loadtests/ with a bench.sh, by name. */
    public static String benchmarks(Path root) {
        var loadtests = root.resolve("loadtests");
        if (!Files.isDirectory(loadtests)) {
            return "none";
        }
        try (Stream<Path> dirs = Files.list(loadtests)) {
            return dirs.filter(dir -> Files.isRegularFile(dir.resolve("bench.sh")))
                    .map(dir -> dir.getFileName().toString()).sorted().collect(Collectors.joining(", "));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> lines() {
        try (InputStream in = Objects.requireNonNull(Commands.class.getResourceAsStream(TABLE), TABLE)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
