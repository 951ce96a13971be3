package dev.sandbox.orders.testing;

import dev.sandbox.infra.testing.CommittedRecords;

/**
 * What a run did, counted from the database and from what a read_committed consumer sees:
 * <ul>
 * <li>{@code lost}: orders accepted (201) and never paid or rejected;</li>
 * <li>{@code doubleCharged}: orders with more than one ledger entry;</li>
 * <li>{@code duplicateResults}: orders with more than one record on payments.v1;</li>
 * <li>{@code missingResults}: settled orders without a record on payments.v1;</li>
 * <li>{@code outboxLeft}: events never published.</li>
 * </ul>
 */
public record Reconciliation(long orders, long paid, long rejected, long lost, long doubleCharged, long ledgerEntries,
        long duplicateResults, long missingResults, long results, long outboxLeft) {

    static Reconciliation of(Pipeline pipeline) {
        var results = CommittedRecords.countByKey(CommittedRecords.of(pipeline.bootstrapServers(), pipeline.paymentsTopic()));
        var settledIds = pipeline.settledOrders();
        return new Reconciliation(
                pipeline.count("SELECT count(*) FROM orders"),
                pipeline.count("SELECT count(*) FROM orders WHERE status = 'PAID'"),
                pipeline.count("SELECT count(*) FROM orders WHERE status = 'REJECTED'"),
                pipeline.count("SELECT count(*) FROM orders WHERE status = 'PENDING'"),
                pipeline.count("SELECT count(*) FROM (SELECT order_id FROM payment_ledger GROUP BY order_id HAVING count(*) > 1) d"),
                pipeline.count("SELECT count(*) FROM payment_ledger"),
                results.values().stream().filter(count -> count > 1).count(),
                settledIds.stream().filter(id -> !results.containsKey(id)).count(),
                results.values().stream().mapToLong(Long::longValue).sum(),
                pipeline.count("SELECT count(*) FROM outbox"));
    }

    /** Whether every order was settled exactly once, its result published exactly once, nothing left over. */
    public boolean exactlyOnce() {
        return lost == 0 && doubleCharged == 0 && duplicateResults == 0 && missingResults == 0 && outboxLeft == 0
                && ledgerEntries == orders && results == orders;
    }

    @Override
    public String toString() {
        return "orders=%d (paid %d, rejected %d) lost=%d double-charged=%d ledger-entries=%d duplicate-results=%d missing-results=%d payments.v1-records=%d outbox-left=%d"
                .formatted(orders, paid, rejected, lost, doubleCharged, ledgerEntries, duplicateResults, missingResults, results, outboxLeft);
    }
}
