package dev.sandbox.chat.room;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/** The handshake's query string, decoded. */
record Query(Map<String, String> values) {

    static Query parse(String query) {
        var values = new HashMap<String, String>();
        if (query != null) {
            for (var pair : query.split("&")) {
                var eq = pair.indexOf('=');
                var key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                var value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                values.putIfAbsent(key, value);
            }
        }
        return new Query(values);
    }

    String get(String key) {
        var value = values.get(key);
        return value == null || value.isEmpty() ? null : value;
    }

    /** A whole number, or null when absent or not a number (a bad lastSeq is treated as none). */
    Long longValue(String key) {
        try {
            var value = get(key);
            return value == null ? null : Long.parseLong(value);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
