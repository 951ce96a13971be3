package dev.sandbox.common.http;

import java.sql.SQLException;
import java.util.List;

import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import dev.sandbox.common.problem.Problem;
import dev.sandbox.common.problem.ProblemTypes;

/**
 * PostgreSQL unreachable is a 503 with Retry-After, not a 500: nothing was written (the
 * transaction rolled back, the idempotency key was released), and the same request may be retried
 * as it is. Any other SQL failure is a bug, left to the generic 500. In every service; one that
 * wraps SQL failures in its own exceptions (a transaction manager's) maps those with {@link #unavailable}.
 */
public class DatabaseUnavailableMapper {

    @ServerExceptionMapper
    public Response sql(SQLException e, UriInfo uri) {
        return unavailable(e, uri);
    }

    /** The 503 if an unreachable database is among the causes of {@code e}; null otherwise (the generic mapper answers). */
    public static Response unavailable(Exception e, UriInfo uri) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLException sql && unreachable(sql)) {
                return Problem.of(503, ProblemTypes.DATABASE_UNAVAILABLE, "Service unavailable",
                        "The database cannot be reached; nothing was written. Retry later.", List.of())
                        .withInstance(uri.getPath()).toResponse().header("Retry-After", "2").build();
            }
        }
        return null; // not ours: the generic mapper answers 500
    }

    /** Connection failures (SQLState class 08), a server shutting down (57P), or no pooled connection in time. */
    private static boolean unreachable(SQLException e) {
        var state = e.getSQLState();
        return (state != null && (state.startsWith("08") || state.startsWith("57P")))
                || (e.getMessage() != null && e.getMessage().contains("acquisition timeout"));
    }
}
