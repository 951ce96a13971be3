package dev.sandbox.orders.outbox;

import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;

/** The outbox table: events waiting for the relay, written in the transaction of the change they announce. */
@ApplicationScoped
public class Outbox {

    /** A row: the event, where it goes, and the trace of the request that wrote it. */
    public record Entry(long id, UUID aggregateId, String topic, String payload, String traceparent) {
    }

    /** What the relay has not published yet: how many rows, and how long the oldest has waited. */
    public record Backlog(long rows, Duration oldest) {
    }

    private final DataSource db;

    Outbox(DataSource db) {
        this.db = db;
    }

    /** Adds an event; call it inside the transaction that writes the change. */
    public void append(UUID aggregateId, String topic, String payload, String traceparent) throws SQLException {
        try (var connection = db.getConnection();
             var insert = connection.prepareStatement(
                     "INSERT INTO outbox (aggregate_id, topic, payload, trace_context) VALUES (?, ?, ?, ?)")) {
            insert.setObject(1, aggregateId);
            insert.setString(2, topic);
            insert.setString(3, payload);
            insert.setString(4, traceparent);
            insert.executeUpdate();
        }
    }

    /**
     * The oldest rows no other transaction holds, locked until this transaction ends. SKIP LOCKED
     * lets several relays run side by side: each takes rows the others are not publishing, and
     * none waits for another.
     */
    List<Entry> lockNext(int limit) throws SQLException {
        try (var connection = db.getConnection();
             var select = connection.prepareStatement("""
                     SELECT id, aggregate_id, topic, payload, trace_context FROM outbox
                     ORDER BY id LIMIT ? FOR UPDATE SKIP LOCKED""")) {
            select.setInt(1, limit);
            var entries = new ArrayList<Entry>();
            try (var rows = select.executeQuery()) {
                while (rows.next()) {
                    entries.add(new Entry(rows.getLong(1), rows.getObject(2, UUID.class), rows.getString(3),
                            rows.getString(4), rows.getString(5)));
                }
            }
            return entries;
        }
    }

    void delete(List<Entry> published) throws SQLException {
        try (var connection = db.getConnection();
             var delete = connection.prepareStatement("DELETE FROM outbox WHERE id = ANY (?)")) {
            delete.setArray(1, connection.createArrayOf("bigint", published.stream().map(Entry::id).toArray()));
            delete.executeUpdate();
        }
    }

    Backlog backlog() throws SQLException {
        try (var connection = db.getConnection();
             var select = connection.prepareStatement("SELECT count(*), min(created_at) FROM outbox");
             var rows = select.executeQuery()) {
            rows.next();
            var oldest = rows.getObject(2, OffsetDateTime.class);
            return new Backlog(rows.getLong(1),
                    oldest == null ? Duration.ZERO : Duration.between(oldest.toInstant(), Instant.now()));
        }
    }
}
