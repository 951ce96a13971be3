package dev.sandbox.ingestion.parse;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.ObjectMapper;

/** A JSON reader whose strings are capped at one record's size: a 10 MB value fails fast, it is not buffered. */
final class Json {

    private Json() {
    }

    static ObjectMapper mapper(int maxRecordBytes) {
        var constraints = StreamReadConstraints.builder().maxStringLength(maxRecordBytes).maxNestingDepth(64).build();
        return new ObjectMapper(JsonFactory.builder().streamReadConstraints(constraints).build());
    }

    /** Jackson's message without its source excerpt: the first line, as a client wants to read it. */
    static String message(com.fasterxml.jackson.core.JacksonException e) {
        var message = e.getOriginalMessage();
        if (message == null) {
            return "malformed JSON";
        }
        var firstLine = message.lines().findFirst().orElse(message);
        return firstLine.replaceAll("\\s*\\((start marker )?at \\[Source: .*$", "");
    }
}
