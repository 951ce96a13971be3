package dev.sandbox.ingestion.parse;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One record of an upload: its fields, or why they could not be read.
 *
 * @param number where it is: its line (JSON, NDJSON) or its row (CSV)
 * @param fieldPrefix what goes before a field name in an error ({@code [3].} inside a JSON array)
 * @param field the field an unreadable record's error is about, or null for the whole record
 */
public record ParsedRecord(long number, String fieldPrefix, ObjectNode fields, String field, String error) {

    public static ParsedRecord of(long number, String fieldPrefix, ObjectNode fields) {
        return new ParsedRecord(number, fieldPrefix, fields, null, null);
    }

    public static ParsedRecord unreadable(long number, String fieldPrefix, String field, String error) {
        return new ParsedRecord(number, fieldPrefix, null, field, error);
    }

    public boolean readable() {
        return error == null;
    }
}
