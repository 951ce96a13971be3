package dev.sandbox.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Map;

import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.sandbox.system.stack.RunningSandbox;

/**
 * Every k6 script of loadtests/k6 runs its smoke profile against the running sandbox through
 * {@code ./sandbox load}, as a user (or an experiment) runs it: it must exit 0, leave a report with
 * k6's summary and the samples, have done its work (the script's own count of orders placed,
 * events accepted, messages fanned out...) and crossed no threshold. A script that breaks against
 * the real services, or a service that breaks under the script, fails here.
 */
@ExtendWith(RunningSandbox.Extension.class)
class LoadSmokeIT {

    /** The count each script keeps of the work it got done: zero would make a green run meaningless. */
    private static final Map<String, String> WORK = Map.of(
            "gateway", "gateway_admitted",
            "orders", "orders_placed",
            "ingestion", "events_accepted",
            "chat", "chat_fanout_received",
            "rag", "rag_answers");

    @ParameterizedTest
    @ValueSource(strings = {"gateway", "orders", "ingestion", "chat", "rag"})
    void theSmokeProfileDoesItsWorkWithinItsThresholds(String script, RunningSandbox sandbox) throws Exception {
        var load = sandbox.command().run(Duration.ofMinutes(3), "load", script, "--profile", "smoke");

        assertThat(load.exitCode()).as(load.output()).isZero();
        var last = load.output().strip().lines().reduce((first, second) -> second).orElseThrow();
        assertThat(last).as(load.output()).startsWith("report: ");
        var report = Path.of(last.substring("report: ".length()));
        assertThat(report.resolve("metrics.csv")).isNotEmptyFile();

        var metrics = new ObjectMapper().readTree(report.resolve("summary.json").toFile()).path("metrics");
        assertThat(metrics.path("iterations").path("values").path("count").asLong()).as("iterations").isPositive();
        assertThat(metrics.path("http_reqs").path("values").path("count").asLong()).as("requests").isPositive();
        assertThat(metrics.path(WORK.get(script)).path("values").path("count").asLong()).as(WORK.get(script)).isPositive();
        var thresholds = new ArrayList<String>();
        var crossed = new ArrayList<String>();
        metrics.properties().forEach(metric -> metric.getValue().path("thresholds").properties().forEach(threshold -> {
            thresholds.add(metric.getKey() + " " + threshold.getKey());
            if (!threshold.getValue().path("ok").asBoolean()) {
                crossed.add(metric.getKey() + " " + threshold.getKey());
            }
        }));
        assertThat(thresholds).as("thresholds of " + script).isNotEmpty();
        assertThat(crossed).as(load.output()).isEmpty();
        assertThat(Files.readString(report.resolve("summary.txt"))).contains("every threshold held");
    }
}
