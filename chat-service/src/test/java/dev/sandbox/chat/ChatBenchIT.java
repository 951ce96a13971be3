package dev.sandbox.chat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import com.rabbitmq.client.ConnectionFactory;

import dev.sandbox.chat.testing.BenchSockets;
import dev.sandbox.chat.testing.ChatNodes;
import dev.sandbox.chat.testing.WsClient;
import dev.sandbox.infra.Component;
import dev.sandbox.infra.testing.Percentiles;
import dev.sandbox.infra.testing.ServiceUnderTest;
import dev.sandbox.infra.testing.TestInfrastructure;

/**
 * The figures of docs/chat.md, measured in one run (only when {@code CHAT_BENCH=1}; see
 * loadtests/chat/bench.sh): cross-node fan-out latency (send on node a, delivery on node b) beside a
 * raw RabbitMQ publish-to-consume round trip on the same broker, and heap and RSS per idle connection.
 * Beside the percentiles, what explains them: which samples a GC pause of any of the three JVMs
 * overlapped ({@link GcPauses}), and the CPU and run-queue wait each process and its busiest threads
 * spent per measured sample ({@link RunQueue}).
 */
class ChatBenchIT {

    /** Round trips measured on each path: a p99 is their 50th worst, not the 10th worst of 1,000 (steadier between runs). */
    private static final int SAMPLES = Integer.parseInt(System.getenv().getOrDefault("CHAT_BENCH_SAMPLES", "5000"));
    private static final int MEMBERS = Integer.parseInt(System.getenv().getOrDefault("CHAT_BENCH_MEMBERS", "10"));
    private static final int IDLE = Integer.parseInt(System.getenv().getOrDefault("CHAT_BENCH_IDLE", "2000"));
    /** Round trips before the measured ones, on each path: the nodes are fresh JVMs (class loading, JIT, first GCs). */
    private static final int WARMUP = Integer.parseInt(System.getenv().getOrDefault("CHAT_BENCH_WARMUP", "3000"));
    /** A directory: each node records a flight recording (JFR, profile settings) there, dumped before it is killed. */
    private static final String JFR = System.getenv("CHAT_BENCH_JFR");
    /** The nodes' JVM options instead of the topology's (heap, collector), to compare settings in one sitting. */
    private static final String JVM = System.getenv("CHAT_BENCH_JVM");

    @Test
    void measure() throws Exception {
        Assumptions.assumeTrue("1".equals(System.getenv("CHAT_BENCH")), "a benchmark: run with CHAT_BENCH=1");
        var infra = TestInfrastructure.with(Component.REDIS, Component.RABBITMQ);
        var settings = new java.util.HashMap<>(Map.of("CHAT_NAMESPACE", "chat-" + infra.runId(), "CHAT_SENDS_PER_SECOND", "100000",
                "QUARKUS_LOG_LEVEL", "WARN"));
        if (JVM != null) {
            settings.put("SANDBOX_JVM_OPTIONS", JVM);
        }
        // Each node logs its GC pauses stamped with System.nanoTime (the same clock as the samples',
        // CLOCK_MONOTONIC on Linux), so a sample can be checked against the pauses it overlapped.
        // bench.sh has every JVM it starts log there as jvm-<pid>.log (this one included).
        var gcLogs = Path.of(System.getenv().getOrDefault("CHAT_BENCH_GC_LOGS", infra.directory().resolve("gc").toString()));
        Files.createDirectories(gcLogs);
        var jvm = JFR != null ? "-XX:StartFlightRecording=name=bench,settings=profile " : "";
        var settingsA = new java.util.HashMap<>(settings);
        settingsA.put("JAVA_TOOL_OPTIONS", jvm + "-Xlog:gc:file=" + gcLogs.resolve("node-a.log") + ":timenanos");
        settings.put("JAVA_TOOL_OPTIONS", jvm + "-Xlog:gc:file=" + gcLogs.resolve("node-b.log") + ":timenanos");
        var a = ChatNodes.node(infra, "chat-service", "bench-a-" + infra.runId(), settingsA);
        var b = ChatNodes.node(infra, "chat-service-2", "bench-b-" + infra.runId(), settings);
        var report = new StringBuilder();
        try {
            a.start();
            b.start();
            a.awaitReady();
            b.awaitReady();
            var processes = RunQueue.processes(infra.directory());
            var cpu = new java.util.ArrayList<RunQueue>();
            Runnable mark = () -> cpu.add(RunQueue.snapshot(processes));
            var raw = rabbitRoundTrips(infra, mark);
            var chat = fanout(a.url(), b.url(), mark);
            report.append(String.format("raw RabbitMQ publish->consume: p50 %.2f ms, p99 %.2f ms (%d samples)%n",
                    pct(raw, 50), pct(raw, 99), raw.length));
            report.append(String.format("chat send->sent at the sender (node a: websocket, Redis, publish): p50 %.2f ms, p99 %.2f ms%n",
                    pct(chat.sent(), 50), pct(chat.sent(), 99)));
            report.append(String.format("chat send->message at another member on node a: p50 %.2f ms, p99 %.2f ms%n",
                    pct(chat.local(), 50), pct(chat.local(), 99)));
            report.append(String.format("chat cross-node send->message (%d members, half per node): p50 %.2f ms, p99 %.2f ms; "
                    + "p99 ratio to raw %.1fx%n", MEMBERS, pct(chat.remote(), 50), pct(chat.remote(), 99),
                    pct(chat.remote(), 99) / pct(raw, 99)));
            var pauses = GcPauses.merge(GcPauses.fromLog("test JVM", gcLogs.resolve("jvm-" + ProcessHandle.current().pid() + ".log")),
                    GcPauses.fromLog("node a", gcLogs.resolve("node-a.log")), GcPauses.fromLog("node b", gcLogs.resolve("node-b.log")));
            report.append(pauses.explain("raw RabbitMQ", raw)).append('\n');
            report.append(pauses.explain("chat cross-node", chat.remote())).append('\n');
            // The measured samples only (warm-up excluded), per round trip, with the busiest threads.
            report.append("raw RabbitMQ, ms of CPU and of run-queue wait per round trip:")
                    .append(cpu.get(1).since(cpu.get(0), SAMPLES, 2)).append('\n');
            report.append("chat cross-node, ms of CPU and of run-queue wait per message:")
                    .append(cpu.get(3).since(cpu.get(2), SAMPLES, 4)).append('\n');
            if (JFR != null) {
                dumpFlightRecording(a, "node-a");
                dumpFlightRecording(b, "node-b");
            }
            report.append(idle(b)).append('\n');
        } finally {
            a.kill();
            b.kill();
        }
        System.out.println("=== chat bench ===\n" + report);
        var out = System.getenv("CHAT_BENCH_REPORT");
        if (out != null) {
            Files.writeString(Path.of(out), report.toString(), StandardCharsets.UTF_8);
        }
    }

    /** {@code mark} runs before the first measured sample and after the last. */
    private static Sample[] rabbitRoundTrips(TestInfrastructure infra, Runnable mark) throws Exception {
        var endpoint = infra.endpoints().rabbitMq();
        var factory = new ConnectionFactory();
        factory.setHost(endpoint.host());
        factory.setPort(endpoint.port());
        factory.setUsername(endpoint.user());
        factory.setPassword(endpoint.password());
        try (var connection = factory.newConnection("bench")) {
            var channel = connection.createChannel();
            var queue = channel.queueDeclare().getQueue();
            var arrivals = new LinkedBlockingQueue<Long>();
            channel.basicConsume(queue, true, (tag, delivery) -> arrivals.add(System.nanoTime()), tag -> { });
            var samples = new Sample[SAMPLES];
            for (int i = -WARMUP; i < SAMPLES; i++) {
                if (i == 0) {
                    mark.run();
                }
                var start = System.nanoTime();
                channel.basicPublish("", queue, null, ("m" + i).getBytes(StandardCharsets.UTF_8));
                var end = arrivals.poll(5, TimeUnit.SECONDS);
                if (i >= 0) {
                    samples[i] = new Sample(start, end);
                }
            }
            mark.run();
            return samples;
        }
    }

    /**
     * One message at a time, sent by a member on node a. Three clocks per message, all from the
     * send: {@code sent} back at the sender (websocket in, Redis, publish), the message at another
     * member on node a (through RabbitMQ and back) and at a member on node b (the cross-node figure).
     * The members are {@link BenchSockets}: on one event loop, reading every frame, parsing only
     * the three measured members' frames.
     */
    private static Latencies fanout(String nodeA, String nodeB, Runnable mark) {
        var room = "bench-" + UUID.randomUUID().toString().substring(0, 8);
        try (var sockets = new BenchSockets()) {
            var sender = sockets.connect(WsClient.uri(nodeA, room, "sender", null), Set.of("welcome", "sent"));
            var receiver = sockets.connect(WsClient.uri(nodeB, room, "receiver", null), Set.of("welcome", "message"));
            var local = sockets.connect(WsClient.uri(nodeA, room, "local", null), Set.of("welcome", "message"));
            for (int i = 3; i < MEMBERS; i++) {
                sockets.connect(WsClient.uri(i % 2 == 0 ? nodeA : nodeB, room, "member" + i, null), Set.of());
            }
            for (var measured : List.of(sender, receiver, local)) {
                measured.arrival("welcome", "");
            }
            var result = new Latencies(new Sample[SAMPLES], new Sample[SAMPLES], new Sample[SAMPLES]);
            for (int i = -WARMUP; i < SAMPLES; i++) {
                if (i == 0) {
                    mark.run();
                }
                var id = "b" + i;
                var frame = WsClient.JSON.createObjectNode().put("type", "send").put("clientMsgId", id).put("text", "bench " + i)
                        .toString();
                var start = System.nanoTime();
                sender.send(frame);
                var remote = receiver.arrival("message", id);
                var sent = sender.arrival("sent", id);
                var atLocal = local.arrival("message", id);
                if (i >= 0) {
                    result.remote()[i] = new Sample(start, remote);
                    result.sent()[i] = new Sample(start, sent);
                    result.local()[i] = new Sample(start, atLocal);
                }
            }
            mark.run();
            return result;
        }
    }

    /** One round trip, by {@link System#nanoTime}: from the send to the arrival. */
    record Sample(long start, long end) {
        double millis() {
            return (end - start) / 1e6;
        }
    }

    record Latencies(Sample[] sent, Sample[] local, Sample[] remote) {
    }

    private static String idle(ServiceUnderTest node) throws Exception {
        var before = heapAfterGc(node);
        var rssBefore = node.rssBytes();
        var room = "idle-" + UUID.randomUUID().toString().substring(0, 8);
        var clients = new ArrayList<WsClient>();
        try {
            for (int i = 0; i < IDLE; i++) {
                clients.add(WsClient.connect(node.url(), room + "-" + (i % 50), "idle" + i, null));
            }
            clients.get(clients.size() - 1).next("welcome");
            var after = heapAfterGc(node);
            var rssAfter = node.rssBytes();
            return String.format("idle connections on one node: %d open; heap after GC %.1f MB -> %.1f MB (%.1f KB per connection); "
                    + "RSS %.0f MB -> %.0f MB (%.1f KB per connection)", IDLE, before / 1e6, after / 1e6, (after - before) / 1024.0 / IDLE,
                    rssBefore / 1e6, rssAfter / 1e6, (rssAfter - rssBefore) / 1024.0 / IDLE);
        } finally {
            clients.forEach(WsClient::close);
        }
    }

    private static void dumpFlightRecording(ServiceUnderTest node, String name) throws Exception {
        var file = Path.of(JFR, name + ".jfr").toAbsolutePath();
        jcmd(node, "JFR.dump", "name=bench", "filename=" + file);
        System.out.println("flight recording of " + name + ": " + file);
    }

    private static void jcmd(ServiceUnderTest node, String... command) throws Exception {
        var jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
        var args = new ArrayList<String>(List.of(jcmd, String.valueOf(node.pid())));
        args.addAll(List.of(command));
        new ProcessBuilder(args).redirectErrorStream(true).start().waitFor(30, TimeUnit.SECONDS);
    }

    /** Heap in use after a full GC of the node (jcmd), so the difference is what connections keep. */
    private static long heapAfterGc(ServiceUnderTest node) throws Exception {
        jcmd(node, "GC.run");
        var metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(node.url() + "/q/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        return (long) metrics.lines().filter(l -> l.startsWith("jvm_memory_used_bytes{") && l.contains("area=\"heap\""))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    static double pct(Sample[] samples, int p) {
        return Percentiles.nearestRank(Arrays.stream(samples).mapToDouble(Sample::millis).toArray(), p);
    }
}
