package dev.sandbox.orders.payment;

import java.sql.SQLException;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;

import dev.sandbox.orders.events.OrderPlaced;
import dev.sandbox.orders.events.PaymentResult.Outcome;

/**
 * The ledger of charges: the side effect the whole pipeline must perform exactly once per order.
 * Kafka transactions cannot cover it (it is a database write), so it carries its own idempotency
 * key, the order id, under a unique constraint.
 */
@ApplicationScoped
public class PaymentLedger {

    /**
     * A charge in the ledger, and the orders.v1 record that made it ({@code partition},
     * {@code offset}). {@code fresh} when this call wrote it.
     */
    public record Charge(long entry, Outcome outcome, boolean fresh, int partition, long offset) {

        /** Whether the charge was made by this very record, delivered again. */
        public boolean madeBy(int recordPartition, long recordOffset) {
            return partition == recordPartition && offset == recordOffset;
        }
    }

    private final DataSource db;

    PaymentLedger(DataSource db) {
        this.db = db;
    }

    /**
     * Charges the order, unless it was charged before: then the earlier charge is returned, not
     * repeated. With {@code dedupe} off the key is left out, and every call charges again.
     */
    public Charge charge(OrderPlaced order, Outcome outcome, int partition, long offset, boolean dedupe) throws SQLException {
        var key = dedupe ? order.orderId().toString() : null;
        try (var connection = db.getConnection()) {
            try (var insert = connection.prepareStatement("""
                    INSERT INTO payment_ledger (order_id, charge_key, amount, currency, outcome, source_partition, source_offset)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (charge_key) DO NOTHING
                    RETURNING id""")) {
                insert.setObject(1, order.orderId());
                insert.setString(2, key);
                insert.setBigDecimal(3, order.total());
                insert.setString(4, order.currency());
                insert.setString(5, outcome.name());
                insert.setInt(6, partition);
                insert.setLong(7, offset);
                try (var rows = insert.executeQuery()) {
                    if (rows.next()) {
                        return new Charge(rows.getLong(1), outcome, true, partition, offset);
                    }
                }
            }
            try (var select = connection.prepareStatement(
                    "SELECT id, outcome, source_partition, source_offset FROM payment_ledger WHERE charge_key = ?")) {
                select.setString(1, key);
                try (var rows = select.executeQuery()) {
                    rows.next();
                    return new Charge(rows.getLong(1), Outcome.valueOf(rows.getString(2)), false, rows.getInt(3), rows.getLong(4));
                }
            }
        }
    }
}
