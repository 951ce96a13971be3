package dev.sandbox.orders;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import dev.sandbox.infra.Component;
import dev.sandbox.orders.testing.Design;
import dev.sandbox.orders.testing.OrderLoad;
import dev.sandbox.orders.testing.Pipeline;
import dev.sandbox.orders.testing.Reconciliation;

/**
 * The claim, under fire: 520 orders while the payment processor, a process of its own, dies at
 * least ten times (kill -9, and halts at crash points), the API halts once between its database
 * commit and its publish, and the Kafka broker is killed and restarted once. Then reconcile.
 * <p>
 * The same faults, in the same order, hit both designs. The exactly-once design must come out with
 * every order settled once, charged once and answered once. The naive design must come out with
 * lost and double-charged orders: the first processors after the first kill halt at a crash point
 * on their first batch, and the API halt loses the order it was placing, so its failures do not
 * depend on luck.
 */
class ExactlyOnceCrashIT {

    private static final int ORDERS = 520;
    private static final int ORDERS_PER_SECOND = 12;
    private static final int MIN_PROCESSOR_DEATHS = 10;
    private static final Path FIGURES = Path.of("target", "crash-figures.txt");

    /** The incarnations after the first death: each halts on its first batch, at one of the crash points. */
    private static final List<Map<String, String>> HALT_ON_FIRST_BATCH = List.of(
            Map.of("ORDERS_CRASH_BEFORE_COMMIT", "1"),
            Map.of("ORDERS_CRASH_AFTER_PRODUCE", "1"),
            Map.of("ORDERS_CRASH_AFTER_CHARGE", "1"));
    /** The later ones halt now and then, wherever, and are killed with SIGKILL after a moment of work. */
    private static final Map<String, String> HALT_NOW_AND_THEN = Map.of(
            "ORDERS_CRASH_AFTER_CHARGE", "0.005",
            "ORDERS_CRASH_AFTER_PRODUCE", "0.02",
            "ORDERS_CRASH_BEFORE_COMMIT", "0.02");
    private static final Map<String, String> API_HALTS_AFTER_COMMIT = Map.of("ORDERS_CRASH_AFTER_DB_COMMIT_BEFORE_PUBLISH", "1");

    record Outcome(Design design, int placed, int processorKills, int processorHalts, int apiHalts, int brokerRestarts,
            int clientRetries, Reconciliation reconciliation) {

        @Override
        public String toString() {
            return "%s: %d orders placed; processor killed %d times with SIGKILL and halted %d times at crash points; API halted %d times; broker restarted %d time(s); %d client retries%n  %s"
                    .formatted(design, placed, processorKills, processorHalts, apiHalts, brokerRestarts, clientRetries, reconciliation);
        }
    }

    @Test
    void theExactlyOnceDesignLosesAndDuplicatesNothing() throws Exception {
        var outcome = run(Design.EXACTLY_ONCE);

        assertThat(outcome.processorKills() + outcome.processorHalts()).isGreaterThanOrEqualTo(MIN_PROCESSOR_DEATHS);
        assertThat(outcome.apiHalts()).isEqualTo(1);
        assertThat(outcome.brokerRestarts()).isEqualTo(1);
        var reconciliation = outcome.reconciliation();
        assertThat(outcome.placed()).isEqualTo(ORDERS);
        assertThat(reconciliation.orders()).as("orders in the database").isEqualTo(ORDERS);
        assertThat(reconciliation.lost()).as("lost").isZero();
        assertThat(reconciliation.doubleCharged()).as("double-charged").isZero();
        assertThat(reconciliation.ledgerEntries()).as("ledger entries").isEqualTo(ORDERS);
        assertThat(reconciliation.duplicateResults()).as("orders with duplicate payments.v1 records").isZero();
        assertThat(reconciliation.results()).as("payments.v1 records").isEqualTo(ORDERS);
        assertThat(reconciliation.outboxLeft()).as("outbox rows left").isZero();
        assertThat(reconciliation.exactlyOnce()).isTrue();
    }

    @Test
    void theNaiveDesignLosesAndDoubleChargesOrders() throws Exception {
        var outcome = run(Design.NAIVE);

        assertThat(outcome.processorKills() + outcome.processorHalts()).isGreaterThanOrEqualTo(MIN_PROCESSOR_DEATHS);
        assertThat(outcome.apiHalts()).isEqualTo(1);
        var reconciliation = outcome.reconciliation();
        assertThat(outcome.placed()).isEqualTo(ORDERS);
        assertThat(reconciliation.orders()).isEqualTo(ORDERS);
        // The API halt left a committed order that Kafka never heard of.
        assertThat(reconciliation.lost()).as("lost").isGreaterThanOrEqualTo(outcome.apiHalts()).isPositive();
        // Each processor halted before its commit had its batch charged again by the next one.
        assertThat(reconciliation.doubleCharged()).as("double-charged").isPositive();
        assertThat(reconciliation.duplicateResults()).as("orders with duplicate payments.v1 records").isPositive();
        assertThat(reconciliation.exactlyOnce()).isFalse();
    }

    private Outcome run(Design design) throws Exception {
        try (var pipeline = new Pipeline(design)) {
            pipeline.api().startAndAwaitReady(Map.of());
            pipeline.processor().startAndAwaitReady(Map.of());
            var chaos = new Chaos(pipeline);
            Outcome outcome;
            try (var load = new OrderLoad(pipeline.api()::url, ORDERS, ORDERS_PER_SECOND, 4, "crash-" + design.name()).start()) {
                while (!load.done() || chaos.processorDeaths() < MIN_PROCESSOR_DEATHS) {
                    chaos.step(load.progress());
                    Thread.sleep(100);
                }
                var placed = load.awaitPlaced();
                chaos.end();
                awaitQuiet(pipeline);
                outcome = new Outcome(design, placed.size(), chaos.kills, pipeline.processor().starts() - 1 - chaos.kills,
                        chaos.apiHalts, chaos.brokerRestarts, load.retries(), pipeline.reconcile());
            }
            System.out.println(outcome);
            Files.writeString(FIGURES, outcome + System.lineSeparator(), StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            return outcome;
        }
    }

    /**
     * Settled, or as settled as it will get: the processor has consumed everything, the outbox is
     * empty, and no order has changed status for ten seconds (lost orders never will).
     */
    private static void awaitQuiet(Pipeline pipeline) {
        var last = new long[] {-1, System.nanoTime()};
        Awaitility.await("quiet").atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofSeconds(1)).until(() -> {
            var pending = pipeline.count("SELECT count(*) FROM orders WHERE status = 'PENDING'");
            if (pending != last[0]) {
                last[0] = pending;
                last[1] = System.nanoTime();
            }
            var quietFor = Duration.ofNanos(System.nanoTime() - last[1]);
            return pipeline.processorLag() == 0 && pipeline.count("SELECT count(*) FROM outbox") == 0
                    && (pending == 0 || quietFor.compareTo(Duration.ofSeconds(10)) >= 0);
        });
    }

    /** The fault schedule, advanced by the test's loop as the load progresses. */
    private static final class Chaos {

        private final Pipeline pipeline;
        private final Random random = new Random();
        private int kills;
        private int apiHalts;
        private int brokerRestarts;
        private boolean apiArmed;
        private long killAt;

        private final long began = System.nanoTime();

        Chaos(Pipeline pipeline) {
            this.pipeline = pipeline;
        }

        /** The fault timeline, in the test's output. */
        private void log(String event) {
            System.out.printf("%6.1f s  %s: %s%n", (System.nanoTime() - began) / 1e9, pipeline.design().name(), event);
        }

        int processorDeaths() {
            return pipeline.processor().starts() - 1;
        }

        void step(double progress) {
            if (brokerRestarts == 0 && progress >= 0.5) {
                brokerRestarts++;
                log("Kafka broker killed (SIGKILL)");
                pipeline.infra().kill(Component.KAFKA);
                pipeline.infra().restart(Component.KAFKA);
                log("Kafka broker restarted");
            }
            superviseApi(progress);
            superviseProcessor();
        }

        /** At a quarter of the load, the API restarts set to halt after its next commit. */
        private void superviseApi(double progress) {
            var api = pipeline.api();
            if (!api.isAlive()) {
                apiHalts++;
                apiArmed = false;
                log("API halted after a commit; starting it clean");
                api.start(Map.of());
            } else if (!apiArmed && apiHalts == 0 && progress >= 0.25) {
                apiArmed = true;
                log("API restarting, set to halt after its next commit");
                api.stop();
                api.start(API_HALTS_AFTER_COMMIT);
            }
        }

        private void superviseProcessor() {
            var processor = pipeline.processor();
            if (!processor.isAlive()) {
                log("processor halted at a crash point");
                restartProcessor();
                return;
            }
            var deathsSoFar = processorDeaths();
            if (killAt == 0 && processor.isReady()) {
                // Those set to halt on their first batch get time to do so; the others work for 0.3 to 1.5 s.
                var haltsByItself = deathsSoFar >= 1 && deathsSoFar <= HALT_ON_FIRST_BATCH.size();
                killAt = System.nanoTime() + Duration.ofMillis(haltsByItself ? 20_000 : 300 + random.nextInt(1_200)).toNanos();
            }
            if (killAt != 0 && System.nanoTime() >= killAt) {
                processor.kill();
                kills++;
                log("processor killed (SIGKILL)");
                restartProcessor();
            }
        }

        private void restartProcessor() {
            var deaths = processorDeaths();
            var settings = deaths < HALT_ON_FIRST_BATCH.size() ? HALT_ON_FIRST_BATCH.get(deaths) : HALT_NOW_AND_THEN;
            pipeline.processor().start(settings);
            killAt = 0;
        }

        /** The last incarnations run clean: whatever is left is processed without faults. */
        void end() {
            var processor = pipeline.processor();
            if (processor.isAlive()) {
                processor.kill();
                kills++;
            }
            processor.startAndAwaitReady(Map.of());
            var api = pipeline.api();
            if (apiArmed || !api.isAlive()) {
                api.kill();
                api.startAndAwaitReady(Map.of());
            } else {
                api.awaitReady();
            }
        }
    }
}
