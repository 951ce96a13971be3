package dev.sandbox.ingestion.stats;

import java.sql.SQLException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;

import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.logging.Logger;

import dev.sandbox.common.problem.Problem;
import dev.sandbox.common.problem.ProblemException;

/** What the sink has stored: counts per type per minute, and its totals. */
@Path("/stats")
@Tag(name = "Stats")
@Produces(MediaType.APPLICATION_JSON)
public class StatsResource {

    private static final Logger LOG = Logger.getLogger(StatsResource.class);
    private static final int MAX_LIMIT = 10_000;

    private final StatsRepository repository;

    StatsResource(StatsRepository repository) {
        this.repository = repository;
    }

    @GET
    @Operation(summary = "Events per type per minute (of their ts, UTC), from the sink's running counts")
    public List<MinuteCount> counts(
            @Parameter(description = "Only this type") @QueryParam("type") String type,
            @Parameter(description = "ISO-8601 instant, inclusive") @QueryParam("from") String from,
            @Parameter(description = "ISO-8601 instant, exclusive") @QueryParam("to") String to,
            @QueryParam("limit") @DefaultValue("1000") int limit) {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw invalid("limit", "between 1 and " + MAX_LIMIT);
        }
        var start = instant("from", from, Instant.EPOCH);
        var end = instant("to", to, Instant.parse("9999-12-31T00:00:00Z"));
        try {
            return repository.counts(type == null || type.isBlank() ? null : type, start, end, limit);
        } catch (SQLException e) {
            throw databaseUnavailable(e);
        }
    }

    @GET
    @Path("/summary")
    @Operation(summary = "Events stored, duplicates dropped, records dead-lettered, records redelivered")
    public Summary summary() {
        try {
            return repository.summary();
        } catch (SQLException e) {
            throw databaseUnavailable(e);
        }
    }

    /** The stats live in the database: while it is away, a 503 the client can retry, not a 500. */
    private static ProblemException databaseUnavailable(SQLException cause) {
        LOG.warnf("stats unavailable: %s", cause.getMessage());
        return new ProblemException(503, "database-unavailable", "Database unavailable",
                "the stats cannot be read while the database is unreachable", List.of(), Map.of("Retry-After", "5"));
    }

    private static Instant instant(String name, String value, Instant absent) {
        if (value == null || value.isBlank()) {
            return absent;
        }
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw invalid(name, "an ISO-8601 instant, like 2026-11-22T10:15:00Z");
        }
    }

    private static ProblemException invalid(String name, String expected) {
        return new ProblemException(400, "validation", "Invalid request", name + ": expected " + expected,
                List.of(new Problem.FieldError(name, "expected " + expected)), Map.of());
    }
}
