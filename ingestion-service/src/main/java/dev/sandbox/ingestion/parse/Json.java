package dev.sandbox.ingestion.parse;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;

import dev.sandbox.ingestion.event.ExactJson;

/** The readers' JSON: {@link ExactJson}'s rules, and their refusals worded for a client. */
final class Json {

    private static final String DUPLICATE = "Duplicate field '";
    /** By record size: in practice one, the configured size. */
    private static final Map<Integer, ObjectMapper> MAPPERS = new ConcurrentHashMap<>();

    private Json() {
    }

    /**
     * Built once and shared by every upload: a mapper is costly to build, and it finds and caches
     * its deserializers as it is used (thread-safe once configured).
     */
    static ObjectMapper mapper(int maxRecordBytes) {
        return MAPPERS.computeIfAbsent(maxRecordBytes, ExactJson::mapper);
    }

    /**
     * Reads one record into a tree with the mapper's rules: the root deserializer is found once,
     * where {@code ObjectMapper.readTree} looks it up again for every record.
     */
    static ObjectReader treeReader(int maxRecordBytes) {
        return mapper(maxRecordBytes).readerFor(JsonNode.class);
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
