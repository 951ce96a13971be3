package dev.sandbox.orders.order;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

import dev.sandbox.common.problem.Problem;
import dev.sandbox.common.problem.ProblemException;

/**
 * Where a page ends: the position of its last order in insertion order (keyset pagination). Unlike
 * an offset, it does not shift when orders are added meanwhile, so no order is seen twice or
 * skipped. Opaque to clients: encoded, versioned, and checked when it comes back.
 */
record Cursor(long afterSeq) {

    private static final String VERSION = "v1:";

    String encode() {
        return Base64.getUrlEncoder().withoutPadding().encodeToString((VERSION + afterSeq).getBytes(StandardCharsets.UTF_8));
    }

    static Cursor decode(String token) {
        try {
            var text = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
            if (text.startsWith(VERSION)) {
                var seq = Long.parseLong(text.substring(VERSION.length()));
                if (seq > 0) {
                    return new Cursor(seq);
                }
            }
        } catch (IllegalArgumentException malformed) {
            // reported below
        }
        throw ProblemException.badRequest("cursor is not one this API returned",
                List.of(new Problem.FieldError("cursor", "invalid cursor")));
    }
}
