package dev.sandbox.orders.order;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Currency;
import java.util.HashMap;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;

/** The orders tables. Writes must run inside the caller's transaction. */
@ApplicationScoped
public class Orders {

    /** An order with the fingerprint of the request that placed it. */
    public record Placed(Order order, String requestHash) {
    }

    private static final String SELECT_ORDERS = """
            SELECT o.id, o.customer_id, o.status, o.currency, o.total, o.created_at, o.updated_at, o.request_hash, o.seq,
                   (SELECT count(*) FROM payment_ledger l WHERE l.order_id = o.id) AS charges
            FROM orders o
            """;

    private final DataSource db;

    Orders(DataSource db) {
        this.db = db;
    }

    /**
     * Inserts a new PENDING order, unless an order with this idempotency key exists: then nothing is
     * written and the result is empty. Concurrent inserts of one key wait for each other on the
     * unique index; one wins.
     */
    Optional<Order> insert(UUID id, PlaceOrder order, String idempotencyKey, String requestHash) throws SQLException {
        try (var connection = db.getConnection()) {
            Instant createdAt;
            Instant updatedAt;
            try (var insert = connection.prepareStatement("""
                    INSERT INTO orders (id, customer_id, currency, total, status, idempotency_key, request_hash)
                    VALUES (?, ?, ?, ?, 'PENDING', ?, ?)
                    ON CONFLICT (idempotency_key) DO NOTHING
                    RETURNING created_at, updated_at""")) {
                insert.setObject(1, id);
                insert.setString(2, order.customerId());
                insert.setString(3, order.currency());
                insert.setBigDecimal(4, order.total());
                insert.setString(5, idempotencyKey);
                insert.setString(6, requestHash);
                try (var rows = insert.executeQuery()) {
                    if (!rows.next()) {
                        return Optional.empty();
                    }
                    createdAt = instant(rows, "created_at");
                    updatedAt = instant(rows, "updated_at");
                }
            }
            try (var insert = connection.prepareStatement(
                    "INSERT INTO order_items (order_id, line, sku, quantity, unit_price) VALUES (?, ?, ?, ?, ?)")) {
                for (var line = 0; line < order.items().size(); line++) {
                    var item = order.items().get(line);
                    insert.setObject(1, id);
                    insert.setInt(2, line);
                    insert.setString(3, item.sku());
                    insert.setInt(4, item.quantity());
                    insert.setBigDecimal(5, item.unitPrice());
                    insert.addBatch();
                }
                insert.executeBatch();
            }
            return Optional.of(new Order(id, order.customerId(), OrderStatus.PENDING, order.currency(), order.total(),
                    order.items(), 0, createdAt, updatedAt));
        }
    }

    public Optional<Order> find(UUID id) throws SQLException {
        return findWhere("o.id = ?", id).map(Placed::order);
    }

    Optional<Placed> findByIdempotencyKey(String key) throws SQLException {
        return findWhere("o.idempotency_key = ?", key);
    }

    private Optional<Placed> findWhere(String condition, Object value) throws SQLException {
        try (var connection = db.getConnection();
             var select = connection.prepareStatement(SELECT_ORDERS + "WHERE " + condition)) {
            select.setObject(1, value);
            return read(connection, select.executeQuery()).stream().findFirst().map(row -> new Placed(row.order(), row.requestHash()));
        }
    }

    /** Newest first, after the cursor, optionally one customer's only. */
    OrderPage page(String customerId, Cursor after, int limit) throws SQLException {
        var conditions = new ArrayList<String>();
        var values = new ArrayList<Object>();
        if (customerId != null) {
            conditions.add("o.customer_id = ?");
            values.add(customerId);
        }
        if (after != null) {
            conditions.add("o.seq < ?");
            values.add(after.afterSeq());
        }
        var sql = SELECT_ORDERS + (conditions.isEmpty() ? "" : "WHERE " + String.join(" AND ", conditions))
                + " ORDER BY o.seq DESC LIMIT ?";
        try (var connection = db.getConnection(); var select = connection.prepareStatement(sql)) {
            for (var i = 0; i < values.size(); i++) {
                select.setObject(i + 1, values.get(i));
            }
            // One more than asked: whether it comes tells if there is a next page.
            select.setInt(values.size() + 1, limit + 1);
            var found = read(connection, select.executeQuery());
            var page = found.subList(0, Math.min(limit, found.size()));
            var next = found.size() > limit ? new Cursor(page.getLast().seq()).encode() : null;
            return new OrderPage(page.stream().map(Row::order).toList(), next);
        }
    }

    /** Moves a PENDING order to its payment's outcome; returns false if it was settled already (a redelivery). */
    public boolean settle(UUID id, OrderStatus status) throws SQLException {
        try (var connection = db.getConnection();
             var update = connection.prepareStatement(
                     "UPDATE orders SET status = ?, updated_at = clock_timestamp() WHERE id = ? AND status = 'PENDING'")) {
            update.setString(1, status.name());
            update.setObject(2, id);
            return update.executeUpdate() == 1;
        }
    }

    private record Row(Order order, String requestHash, long seq) {
    }

    /** The orders of a result set, with their items (one more query for all of them). */
    private static List<Row> read(Connection connection, ResultSet rows) throws SQLException {
        var found = new ArrayList<Row>();
        try (rows) {
            while (rows.next()) {
                var currency = rows.getString("currency");
                var order = new Order(rows.getObject("id", UUID.class), rows.getString("customer_id"),
                        OrderStatus.valueOf(rows.getString("status")), currency, money(rows.getBigDecimal("total"), currency),
                        List.of(), rows.getLong("charges"), instant(rows, "created_at"), instant(rows, "updated_at"));
                found.add(new Row(order, rows.getString("request_hash"), rows.getLong("seq")));
            }
        }
        if (found.isEmpty()) {
            return found;
        }
        var items = new HashMap<UUID, List<LineItem>>();
        try (var select = connection.prepareStatement(
                "SELECT order_id, sku, quantity, unit_price FROM order_items WHERE order_id = ANY (?) ORDER BY order_id, line")) {
            select.setArray(1, connection.createArrayOf("uuid", found.stream().map(row -> row.order().id()).toArray()));
            try (var itemRows = select.executeQuery()) {
                while (itemRows.next()) {
                    var orderId = itemRows.getObject(1, UUID.class);
                    items.computeIfAbsent(orderId, id -> new ArrayList<>()).add(new LineItem(itemRows.getString(2),
                            itemRows.getInt(3), itemRows.getBigDecimal(4)));
                }
            }
        }
        return found.stream().map(row -> {
            var order = row.order();
            var lines = items.getOrDefault(order.id(), List.of()).stream()
                    .map(item -> new LineItem(item.sku(), item.quantity(), money(item.unitPrice(), order.currency())))
                    .toList();
            return new Row(new Order(order.id(), order.customerId(), order.status(), order.currency(), order.total(), lines,
                    order.charges(), order.createdAt(), order.updatedAt()), row.requestHash(), row.seq());
        }).toList();
    }

    /** An amount at its currency's scale: the database keeps four decimal places for every currency. */
    private static BigDecimal money(BigDecimal amount, String currency) {
        return amount.setScale(Currency.getInstance(currency).getDefaultFractionDigits(), RoundingMode.UNNECESSARY);
    }

    private static Instant instant(ResultSet rows, String column) throws SQLException {
        return rows.getObject(column, OffsetDateTime.class).toInstant();
    }
}
