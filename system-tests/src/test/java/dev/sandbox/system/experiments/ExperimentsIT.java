package dev.sandbox.system.experiments;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.regex.Pattern;

import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.sandbox.system.stack.RunningSandbox;

/**
 * Experiments as code, proven on the running sandbox: the probes' own tests (stores seeded with known
 * losses and duplicates: a checker that cannot fail fails them), then one experiment run with its
 * naive design, which must FAIL with the defects counted, and with the right one, which must PASS.
 */
@ExtendWith(RunningSandbox.Extension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ExperimentsIT {

    @Test
    @Order(1)
    void theProbesCountSeededLossesAndDuplicates(RunningSandbox sandbox) throws Exception {
        var result = sandbox.command().run(Duration.ofMinutes(5), "experiment", "--check-probes");

        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output()).containsPattern("\\d+ passed");
    }

    @Test
    @Order(2)
    void aCrashBetweenCommitAndPublishLosesOrdersWithTheDualWriteAndNoneWithTheOutbox(RunningSandbox sandbox) throws Exception {
        // The smallest experiment with a certain outcome: the API halts right after committing the
        // first order it takes, before publishing it. Each design restarts the order API three times:
        // both took 4.5 to 5.6 minutes on a 2-core machine at load 15 to 20; the deadline leaves room.
        var result = sandbox.command().run(Duration.ofMinutes(15), "experiment", "orders-api-crash-after-commit",
                "--compare", "design=naive,right");
        var output = result.output();

        assertThat(result.exitCode()).as(output).isEqualTo(1);
        assertThat(output).as(output).contains("design=naive: FAIL").contains("design=right: PASS");
        var naive = output.substring(output.indexOf("design=naive: FAIL"), output.indexOf("design=right: PASS"));
        // With a dual write, the order committed before the halt is never published, so never settled.
        assertThat(count(naive, "orders lost")).as(naive).isPositive();
        var right = output.substring(output.indexOf("design=right: PASS"));
        assertThat(count(right, "orders lost")).as(right).isZero();
        assertThat(count(right, "results never published")).as(right).isZero();
        assertThat(output).containsPattern("report: .*reports/orders-api-crash-after-commit-.*/report.md");
    }

    /** The number an invariant's line of the verdict shows: "  FAIL  orders lost (...): 3 (tolerance 0)". */
    private static long count(String verdict, String invariant) {
        var line = Pattern.compile("(?m)^  (PASS|FAIL)  " + Pattern.quote(invariant) + "[^:]*: (\\d+) ").matcher(verdict);
        assertThat(line.find()).as(invariant + " in " + verdict).isTrue();
        return Long.parseLong(line.group(2));
    }
}
