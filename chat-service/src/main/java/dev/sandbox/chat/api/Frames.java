package dev.sandbox.chat.api;

import java.util.Map;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Stored frames back into JSON values, for the HTTP answers. */
final class Frames {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Frames() {
    }

    static Map<String, Object> parse(String frame) {
        try {
            return JSON.readValue(frame, new TypeReference<>() { });
        } catch (Exception e) {
            throw new IllegalStateException("stored frame is not JSON", e);
        }
    }
}
