package dev.sandbox.ingestion.parse;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.sandbox.ingestion.event.ExactJson;

/** The readers' JSON: {@link ExactJson}'s rules, and their refusals worded for a client. */
final class Json {

    private static final String DUPLICATE = "Duplicate field '";

    private Json() {
    }

    static ObjectMapper mapper(int maxRecordBytes) {
        return ExactJson.mapper(maxRecordBytes);
    }

    /** Why a record's JSON was refused. */
    static String reason(JacksonException e) {
        var message = e.getOriginalMessage();
        if (message != null && message.startsWith(DUPLICATE)) {
            var end = message.indexOf('\'', DUPLICATE.length());
            var key = end < 0 ? "?" : message.substring(DUPLICATE.length(), end);
            return "duplicate key \"" + key + "\": an object names it twice, so which value is meant is ambiguous";
        }
        return "malformed JSON: " + message(e);
    }

    /** Jackson's message without its source excerpt: the first line, as a client wants to read it. */
    static String message(JacksonException e) {
        var message = e.getOriginalMessage();
        if (message == null) {
            return "malformed JSON";
        }
        var firstLine = message.lines().findFirst().orElse(message);
        return firstLine.replaceAll("\\s*\\((start marker )?at \\[Source: .*$", "");
    }
}
