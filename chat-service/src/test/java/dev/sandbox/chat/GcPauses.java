package dev.sandbox.chat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import dev.sandbox.chat.ChatBenchIT.Sample;

/**
 * Stop-the-world GC pauses as intervals of {@link System#nanoTime} (one clock for every process on
 * Linux: CLOCK_MONOTONIC), from a JVM's {@code -Xlog:gc:file=...:timenanos} log, so that {@link #explain} can tell how much of a latency percentile they make.
 */
record GcPauses(List<Pause> pauses) {

    /** A pause ending at {@code end}, lasting {@code nanos}; {@code where} says which JVM. */
    record Pause(String where, long end, long nanos) {
        boolean overlaps(Sample sample) {
            return end - nanos < sample.end() && end > sample.start();
        }
    }

    /** Unified logging's pause line: {@code [123ns] GC(7) Pause Young (Allocation Failure) 40M->6M(59M) 3.210ms}. */
    private static final Pattern LOGGED = Pattern.compile("^\\[(\\d+)ns\\].* Pause .* ([0-9.]+)ms$");

    /** The pauses logged in {@code log}, named {@code name}; none when there is no such file. */
    static GcPauses fromLog(String name, Path log) throws IOException {
        if (!Files.exists(log)) {
            return new GcPauses(List.of());
        }
        try (var lines = Files.lines(log)) {
            return new GcPauses(lines.map(LOGGED::matcher).filter(m -> m.matches())
                    .map(m -> new Pause(name, Long.parseLong(m.group(1)), (long) (Double.parseDouble(m.group(2)) * 1e6)))
                    .toList());
        }
    }

    static GcPauses merge(GcPauses... parts) {
        return new GcPauses(Stream.of(parts).flatMap(p -> p.pauses().stream()).toList());
    }

    /**
     * One line: how many of the samples overlapped a pause of any JVM, how many of the slowest 1 %
     * did, and p99 over the samples that overlapped none (what p99 would be without GC pauses).
     */
    String explain(String path, Sample[] samples) {
        var first = Arrays.stream(samples).mapToLong(Sample::start).min().orElse(0);
        var last = Arrays.stream(samples).mapToLong(Sample::end).max().orElse(0);
        var during = pauses.stream().filter(p -> p.end() > first && p.end() - p.nanos() < last).toList();
        var threshold = ChatBenchIT.pct(samples, 99);
        var hit = new ArrayList<Sample>();
        var clean = new ArrayList<Sample>();
        for (var sample : samples) {
            (during.stream().anyMatch(p -> p.overlaps(sample)) ? hit : clean).add(sample);
        }
        var slowHit = hit.stream().filter(s -> s.millis() >= threshold).count();
        var slow = Arrays.stream(samples).filter(s -> s.millis() >= threshold).count();
        var byJvm = new StringBuilder();
        during.stream().map(Pause::where).distinct().sorted().forEach(where -> {
            var mine = during.stream().filter(p -> p.where().equals(where)).mapToDouble(p -> p.nanos() / 1e6).toArray();
            byJvm.append(String.format(" %s %d (max %.1f ms);", where, mine.length, Arrays.stream(mine).max().orElse(0)));
        });
        return String.format("%s GC pauses in its window:%s %d of %d samples overlapped one, %d of the %d at or above p99; "
                        + "p99 of the samples that overlapped none %.2f ms",
                path, byJvm.length() == 0 ? " none;" : byJvm, hit.size(), samples.length, slowHit, slow,
                clean.isEmpty() ? Double.NaN : ChatBenchIT.pct(clean.toArray(Sample[]::new), 99));
    }
}
