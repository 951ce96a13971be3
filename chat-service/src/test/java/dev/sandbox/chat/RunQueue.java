package dev.sandbox.chat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * CPU time and time spent runnable but waiting for a CPU (the scheduler's run queue), per process
 * and per kind of thread, from Linux' {@code /proc/<pid>/task/<tid>/schedstat} ({@code run_ns wait_ns
 * timeslices}). Two snapshots around a phase say how much of its time went to queueing for a core
 * rather than working, and which threads worked.
 */
record RunQueue(Map<String, Map<String, long[]>> byProcess) {

    /** The processes to watch, by name: this test JVM and every process whose command line names {@code directory}. */
    static Map<String, Long> processes(Path directory) {
        var found = new LinkedHashMap<String, Long>();
        found.put("test JVM", ProcessHandle.current().pid());
        ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().map(c -> c.contains(directory.toString())).orElse(false))
                .forEach(p -> {
                    var command = p.info().commandLine().orElse("");
                    var name = command.contains("bench-a-") ? "node a" : command.contains("bench-b-") ? "node b"
                            : Path.of(p.info().command().orElse("?")).getFileName().toString();
                    found.merge(name, p.pid(), (first, second) -> first);
                });
        return found;
    }

    static RunQueue snapshot(Map<String, Long> processes) {
        var totals = new LinkedHashMap<String, Map<String, long[]>>();
        processes.forEach((name, pid) -> totals.put(name, threads(pid)));
        return new RunQueue(totals);
    }

    /** By thread kind: the thread's name without its number ({@code vert.x-eventloop-thread-1} is {@code vert.x-eventloop-thread-}). */
    private static Map<String, long[]> threads(long pid) {
        var byKind = new TreeMap<String, long[]>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc", String.valueOf(pid), "task"))) {
            tasks.forEach(task -> {
                try {
                    var kind = Files.readString(task.resolve("comm")).trim().replaceAll("[0-9]+$", "");
                    var fields = Files.readString(task.resolve("schedstat")).trim().split("\\s+");
                    var total = byKind.computeIfAbsent(kind, k -> new long[2]);
                    total[0] += Long.parseLong(fields[0]);
                    total[1] += Long.parseLong(fields[1]);
                } catch (IOException | RuntimeException e) {
                    // the thread ended meanwhile
                }
            });
        } catch (IOException e) {
            // the process ended
        }
        return byKind;
    }

    /**
     * Per sample, for each process: ms of CPU and of run-queue wait spent between {@code before} and
     * this snapshot, and the {@code top} thread kinds by CPU.
     */
    String since(RunQueue before, int samples, int top) {
        var out = new StringBuilder();
        byProcess.forEach((name, after) -> {
            var start = before.byProcess().getOrDefault(name, Map.of());
            var spent = new TreeMap<String, long[]>();
            after.forEach((kind, total) -> {
                var was = start.getOrDefault(kind, new long[2]);
                spent.put(kind, new long[] {total[0] - was[0], total[1] - was[1]});
            });
            var cpu = spent.values().stream().mapToLong(v -> v[0]).sum();
            var wait = spent.values().stream().mapToLong(v -> v[1]).sum();
            out.append(String.format("%n  %s: cpu %.2f, wait %.2f", name, cpu / 1e6 / samples, wait / 1e6 / samples));
            spent.entrySet().stream().sorted(Comparator.comparingLong((Map.Entry<String, long[]> e) -> e.getValue()[0]).reversed())
                    .limit(top).forEach(e -> out.append(String.format("; %s cpu %.2f, wait %.2f", e.getKey(),
                            e.getValue()[0] / 1e6 / samples, e.getValue()[1] / 1e6 / samples)));
        });
        return out.toString();
    }
}
