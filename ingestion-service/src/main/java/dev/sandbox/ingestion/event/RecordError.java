package dev.sandbox.ingestion.event;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Why one record of an upload was rejected, and where it is: {@code line} for JSON and NDJSON
 * (the line the record starts on), {@code row} for CSV (the header is row 1; a quoted newline does
 * not start a new row). {@code field} is a path ({@code id}, {@code payload}, {@code [3].ts} in a
 * JSON array), absent when the record as a whole is unreadable.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RecordError(Long line, Long row, String field, String reason) {

    /** Where records are counted: by line (JSON, NDJSON) or by row (CSV). */
    public enum Unit { LINE, ROW }

    public static RecordError at(Unit unit, long number, String field, String reason) {
        return unit == Unit.LINE ? new RecordError(number, null, field, reason) : new RecordError(null, number, field, reason);
    }

    /** {@code line 4} or {@code row 7}: where, in words, for the strict mode's problem. */
    public String where() {
        return line != null ? "line " + line : "row " + row;
    }
}
