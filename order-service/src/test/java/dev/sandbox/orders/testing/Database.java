package dev.sandbox.orders.testing;

import java.sql.Connection;
import java.sql.SQLException;

/** One-value queries for the assertions of tests, on a connection from a pool or from the driver. */
public final class Database {

    /** Where connections come from: {@code dataSource::getConnection}, or the test server's address. */
    @FunctionalInterface
    public interface Connector {
        Connection connect() throws SQLException;
    }

    private Database() {
    }

    public static long count(Connector db, String sql, Object... parameters) {
        var value = value(db, sql, parameters);
        return value == null ? 0 : Long.parseLong(value);
    }

    /** The first column of the first row, as text; null if there is no row. */
    public static String value(Connector db, String sql, Object... parameters) {
        try (var connection = db.connect(); var query = connection.prepareStatement(sql)) {
            for (var i = 0; i < parameters.length; i++) {
                query.setObject(i + 1, parameters[i]);
            }
            try (var rows = query.executeQuery()) {
                return rows.next() ? rows.getString(1) : null;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
