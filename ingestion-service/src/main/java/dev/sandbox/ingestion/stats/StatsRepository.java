package dev.sandbox.ingestion.stats;

import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.agroal.api.AgroalDataSource;

/** Reads what the sink wrote: the per-minute counts it maintains, and its counters. */
@ApplicationScoped
public class StatsRepository {

    private final AgroalDataSource dataSource;

    StatsRepository(AgroalDataSource dataSource) {
        this.dataSource = dataSource;
    }

    public List<MinuteCount> counts(String type, Instant from, Instant to, int limit) throws SQLException {
        try (var connection = dataSource.getConnection();
             var select = connection.prepareStatement("""
                     SELECT type, minute, count FROM event_counts
                     WHERE (?::text IS NULL OR type = ?) AND minute >= ? AND minute < ?
                     ORDER BY minute, type LIMIT ?
                     """)) {
            select.setString(1, type);
            select.setString(2, type);
            select.setTimestamp(3, Timestamp.from(from));
            select.setTimestamp(4, Timestamp.from(to));
            select.setInt(5, limit);
            var counts = new ArrayList<MinuteCount>();
            try (var rows = select.executeQuery()) {
                while (rows.next()) {
                    counts.add(new MinuteCount(rows.getString(1), rows.getTimestamp(2).toInstant(), rows.getLong(3)));
                }
            }
            return counts;
        }
    }

    public Summary summary() throws SQLException {
        try (var connection = dataSource.getConnection();
             var select = connection.prepareStatement("""
                     SELECT (SELECT count(*) FROM events),
                            (SELECT value FROM sink_counters WHERE name = 'duplicates_dropped'),
                            (SELECT count(*) FROM dead_letters),
                            (SELECT value FROM sink_counters WHERE name = 'redelivered')
                     """);
             var rows = select.executeQuery()) {
            rows.next();
            return new Summary(rows.getLong(1), rows.getLong(2), rows.getLong(3), rows.getLong(4));
        }
    }
}
