package dev.sandbox.ingestion.sink;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import jakarta.enterprise.context.ApplicationScoped;

import io.agroal.api.AgroalDataSource;

import dev.sandbox.ingestion.IngestionConfig;

/**
 * Writes a batch of the events topic to PostgreSQL in one transaction. An event is inserted only if
 * its id is new, and the per-minute counts grow by the rows actually inserted, in the same
 * statement: a record delivered twice, or sent twice by a client, counts once. The partitions'
 * progress is written in the same transaction, so a record below it is known as a redelivery.
 */
@ApplicationScoped
public class EventStore {

    /** What one write did with its records. */
    public record Written(int stored, int duplicates, int redelivered, int deadLettered) {
    }

    /** The database refused the data itself (a bad value, a broken constraint): retrying as is cannot help. */
    public static final class RefusedException extends Exception {
        RefusedException(SQLException cause) {
            super(cause.getMessage(), cause);
        }
    }

    private static final String INSERT_EVENTS = """
            WITH batch AS (
                SELECT * FROM unnest(?::text[], ?::text[], ?::text[], ?::timestamptz[], ?::jsonb[])
                    AS b(id, type, source, ts, payload)
            ), inserted AS (
                INSERT INTO events (id, type, source, ts, payload)
                SELECT id, type, source, ts, payload FROM batch
                ON CONFLICT (id) DO NOTHING
                RETURNING type, ts
            ), counted AS (
                INSERT INTO event_counts (type, minute, count)
                SELECT type, date_trunc('minute', ts, 'UTC'), count(*) FROM inserted GROUP BY 1, 2
                ON CONFLICT (type, minute) DO UPDATE SET count = event_counts.count + excluded.count
            )
            SELECT count(*) FROM inserted
            """;

    private static final String INSERT_DEAD_LETTERS = """
            INSERT INTO dead_letters (topic, partition, "offset", event_id, reason)
            SELECT ?, * FROM unnest(?::int[], ?::bigint[], ?::text[], ?::text[])
            ON CONFLICT DO NOTHING
            """;

    private static final String ADVANCE_OFFSETS = """
            INSERT INTO sink_offsets (topic, partition, next_offset)
            SELECT ?, * FROM unnest(?::int[], ?::bigint[])
            ON CONFLICT (topic, partition) DO UPDATE SET next_offset = greatest(sink_offsets.next_offset, excluded.next_offset)
            """;

    private final AgroalDataSource dataSource;
    private final String topic;

    EventStore(AgroalDataSource dataSource, IngestionConfig config) {
        this.dataSource = dataSource;
        this.topic = config.topics().events();
    }

    /**
     * Writes {@code records} (consecutive records of the topic) in one transaction.
     *
     * @throws RefusedException when the database refuses a value: retry the records one by one
     * @throws SQLException when the database is unreachable or failing: retry the same write later
     */
    public Written write(List<Incoming> records) throws SQLException, RefusedException {
        try (var connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                var written = write(connection, records);
                connection.commit();
                return written;
            } catch (SQLException e) {
                try {
                    connection.rollback();
                } catch (SQLException rollbackFailed) {
                    e.addSuppressed(rollbackFailed);
                }
                throw e;
            }
        } catch (SQLException e) {
            if (isRefusal(e)) {
                throw new RefusedException(e);
            }
            throw e;
        }
    }

    private Written write(Connection connection, List<Incoming> records) throws SQLException {
        var progress = lockProgress(connection, records);
        var fresh = records.stream().filter(r -> r.offset() >= progress.getOrDefault(r.partition(), 0L)).toList();
        var events = fresh.stream().filter(r -> !r.isDeadLetter()).map(Incoming::event).toList();
        var deadLetters = fresh.stream().filter(Incoming::isDeadLetter).toList();

        var stored = events.isEmpty() ? 0 : insertEvents(connection, events);
        var deadLettered = deadLetters.isEmpty() ? 0 : insertDeadLetters(connection, deadLetters);
        var written = new Written(stored, events.size() - stored, records.size() - fresh.size(), deadLettered);
        addToCounters(connection, written);
        advance(connection, records);
        return written;
    }

    /** Each partition's next offset to write, locked until commit: concurrent sinks (a rebalance) take turns. */
    private Map<Integer, Long> lockProgress(Connection connection, List<Incoming> records) throws SQLException {
        var partitions = records.stream().map(Incoming::partition).distinct().toArray(Integer[]::new);
        try (var select = connection.prepareStatement(
                "SELECT partition, next_offset FROM sink_offsets WHERE topic = ? AND partition = ANY(?) FOR UPDATE")) {
            select.setString(1, topic);
            select.setArray(2, connection.createArrayOf("int4", partitions));
            var progress = new HashMap<Integer, Long>();
            try (var rows = select.executeQuery()) {
                while (rows.next()) {
                    progress.put(rows.getInt(1), rows.getLong(2));
                }
            }
            return progress;
        }
    }

    private static int insertEvents(Connection connection, List<dev.sandbox.ingestion.event.Event> events) throws SQLException {
        var size = events.size();
        var ids = new String[size];
        var types = new String[size];
        var sources = new String[size];
        var timestamps = new String[size];
        var payloads = new String[size];
        for (var i = 0; i < size; i++) {
            var event = events.get(i);
            ids[i] = event.id();
            types[i] = event.type();
            sources[i] = event.source();
            timestamps[i] = event.ts().toString();
            payloads[i] = event.payload().toString();
        }
        try (var insert = connection.prepareStatement(INSERT_EVENTS)) {
            insert.setArray(1, connection.createArrayOf("text", ids));
            insert.setArray(2, connection.createArrayOf("text", types));
            insert.setArray(3, connection.createArrayOf("text", sources));
            insert.setArray(4, connection.createArrayOf("text", timestamps));
            insert.setArray(5, connection.createArrayOf("text", payloads));
            try (var rows = insert.executeQuery()) {
                rows.next();
                return rows.getInt(1);
            }
        }
    }

    private int insertDeadLetters(Connection connection, List<Incoming> deadLetters) throws SQLException {
        try (var insert = connection.prepareStatement(INSERT_DEAD_LETTERS)) {
            insert.setString(1, topic);
            insert.setArray(2, connection.createArrayOf("int4", deadLetters.stream().map(Incoming::partition).toArray()));
            insert.setArray(3, connection.createArrayOf("int8", deadLetters.stream().map(Incoming::offset).toArray()));
            insert.setArray(4, connection.createArrayOf("text", deadLetters.stream().map(Incoming::eventId).toArray()));
            insert.setArray(5, connection.createArrayOf("text", deadLetters.stream().map(Incoming::deadLetterReason).toArray()));
            return insert.executeUpdate();
        }
    }

    private static void addToCounters(Connection connection, Written written) throws SQLException {
        if (written.duplicates() == 0 && written.redelivered() == 0) {
            return;
        }
        try (var update = connection.prepareStatement("""
                UPDATE sink_counters SET value = value + CASE name WHEN 'duplicates_dropped' THEN ? ELSE ? END
                WHERE name IN ('duplicates_dropped', 'redelivered')
                """)) {
            update.setLong(1, written.duplicates());
            update.setLong(2, written.redelivered());
            update.executeUpdate();
        }
    }

    private void advance(Connection connection, List<Incoming> records) throws SQLException {
        var next = new TreeMap<Integer, Long>();
        records.forEach(r -> next.merge(r.partition(), r.offset() + 1, Math::max));
        try (var upsert = connection.prepareStatement(ADVANCE_OFFSETS)) {
            upsert.setString(1, topic);
            upsert.setArray(2, connection.createArrayOf("int4", next.keySet().toArray()));
            upsert.setArray(3, connection.createArrayOf("int8", next.values().toArray()));
            upsert.executeUpdate();
        }
    }

    /** Data exceptions (22), integrity violations (23), program limits (54): the data, not the database. */
    static boolean isRefusal(SQLException e) {
        var state = e.getSQLState();
        return state != null && (state.startsWith("22") || state.startsWith("23") || state.startsWith("54"));
    }
}
