package dev.sandbox.orders.testing;

import java.sql.SQLException;

import javax.sql.DataSource;

/** One-number queries for the assertions of tests. */
public final class Database {

    private Database() {
    }

    public static long count(DataSource db, String sql, Object... parameters) {
        try (var connection = db.getConnection(); var query = connection.prepareStatement(sql)) {
            for (var i = 0; i < parameters.length; i++) {
                query.setObject(i + 1, parameters[i]);
            }
            try (var rows = query.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
