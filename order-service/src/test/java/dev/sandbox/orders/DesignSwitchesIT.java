package dev.sandbox.orders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.sandbox.orders.testing.Design;
import dev.sandbox.orders.testing.OrderRequests;
import dev.sandbox.orders.testing.Pipeline;

/**
 * Each link of the chain removed alone, and the crash that shows what it was for. One order per
 * case; the process is set to halt at a crash point the first time it reaches it (probability 1,
 * so the outcome is the same on every run), then comes back clean. (With every link in place, the
 * same API halt loses nothing: {@link ExactlyOnceCrashIT} does it.)
 */
class DesignSwitchesIT {

    private static Pipeline pipeline;

    @BeforeAll
    static void start() {
        pipeline = new Pipeline(Design.EXACTLY_ONCE);
        pipeline.api().startAndAwaitReady(Map.of());
    }

    @AfterAll
    static void stop() {
        pipeline.close();
    }

    @AfterEach
    void stopTheProcessor() {
        pipeline.processor().kill();
    }

    @ParameterizedTest(name = "delivery={0}, dedupe={1}, halt {2}: {3} charge(s), {4} payments.v1 record(s)")
    @CsvSource({
            // Every link: the halted batch is redone, and the result of its aborted transaction is never seen.
            "transactional, on,  BEFORE_COMMIT, 1, 1",
            // Produce, then commit the offsets: the redone batch publishes its results a second time.
            "at-least-once, on,  BEFORE_COMMIT, 1, 2",
            // A Kafka transaction does not cover a database write: without its own key, the charge is made twice.
            "transactional, off, AFTER_CHARGE,  2, 1"})
    void aProcessorHaltedMidBatch(String delivery, String dedupe, String crashPoint, int charges, int results) {
        var design = Map.of("ORDERS_DELIVERY", delivery, "ORDERS_DEDUPE", dedupe);
        var processor = pipeline.processor();
        var halting = new HashMap<>(design);
        halting.put("ORDERS_CRASH_" + crashPoint, "1");
        processor.startAndAwaitReady(halting);

        var id = place("switches-" + delivery + "-" + dedupe + "-" + crashPoint);
        Awaitility.await("processor halted").atMost(Duration.ofMinutes(1)).until(() -> !processor.isAlive());
        processor.startAndAwaitReady(design);
        pipeline.awaitStatus(id, "PAID");
        pipeline.awaitProcessed(id);

        assertThat(pipeline.charges(id)).as("ledger entries").isEqualTo(charges);
        assertThat(pipeline.paymentResults(id)).as("payments.v1 records").isEqualTo(results);
    }

    @Test
    void withADualWriteAnApiHaltedAfterItsCommitLosesTheOrder() throws Exception {
        var id = placeThroughAnApiThatHalts("dual-write", "halted-dual-write");

        // A later order goes through the whole pipeline; the halted one was never published, and
        // nothing is left that could publish it.
        var later = place("after-the-dual-write-halt");
        pipeline.awaitStatus(later, "PAID");
        assertThat(pipeline.ordersV1Records(id)).isZero();
        assertThat(pipeline.status(id)).isEqualTo("PENDING");
    }

    /** Places an order through an API set to halt between its commit and its publish; returns the order's id. */
    private String placeThroughAnApiThatHalts(String publish, String customer) throws Exception {
        var api = pipeline.api();
        var processor = pipeline.processor();
        processor.startAndAwaitReady(Map.of());
        api.kill();
        api.startAndAwaitReady(Map.of("ORDERS_PUBLISH", publish, "ORDERS_CRASH_AFTER_DB_COMMIT_BEFORE_PUBLISH", "1"));

        assertThatThrownBy(() -> OrderRequests.post(api.url(), OrderRequests.newKey(), OrderRequests.body(customer, 1, "2.00")))
                .as("the client gets no answer: the API halted").isInstanceOf(IOException.class);
        Awaitility.await("API halted").atMost(Duration.ofMinutes(1)).until(() -> !api.isAlive());
        var id = pipeline.orderOf(customer);
        assertThat(id).as("the order was committed before the halt").isNotNull();

        api.startAndAwaitReady(Map.of("ORDERS_PUBLISH", publish));
        return id;
    }

    private static String place(String customer) {
        try {
            var response = OrderRequests.post(pipeline.api().url(), OrderRequests.newKey(), OrderRequests.body(customer, 1, "2.00"));
            assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
            return pipeline.orderOf(customer);
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}
