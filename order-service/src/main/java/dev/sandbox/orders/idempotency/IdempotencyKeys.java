package dev.sandbox.orders.idempotency;

import java.util.List;

import dev.sandbox.common.problem.Problem;
import dev.sandbox.common.problem.ProblemException;

/** The {@code Idempotency-Key} header's rules: required, 1 to 255 visible ASCII characters. */
public final class IdempotencyKeys {

    public static final String HEADER = "Idempotency-Key";
    public static final String REPLAYED_HEADER = "Idempotent-Replayed";
    private static final int MAX_LENGTH = 255;

    private IdempotencyKeys() {
    }

    public static String require(String key) {
        String problem = null;
        if (key == null || key.isEmpty()) {
            problem = "required: a unique value per operation, reused for its retries (a UUID, say)";
        } else if (key.length() > MAX_LENGTH) {
            problem = "at most " + MAX_LENGTH + " characters, got " + key.length();
        } else if (!key.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            problem = "visible ASCII characters only";
        }
        if (problem != null) {
            throw ProblemException.badRequest(HEADER + ": " + problem, List.of(new Problem.FieldError(HEADER, problem)));
        }
        return key;
    }
}
