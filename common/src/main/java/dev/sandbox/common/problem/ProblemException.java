package dev.sandbox.common.problem;

import java.util.List;
import java.util.Map;

/**
 * Thrown to answer with a problem: the status, a stable type, and what the client can do about it.
 * Headers ride along for the answers that need them ({@code Retry-After} on 429 and 503).
 */
public class ProblemException extends RuntimeException {

    private final transient Problem problem;
    private final Map<String, String> headers;

    public ProblemException(int status, String type, String title, String detail) {
        this(status, type, title, detail, List.of(), Map.of());
    }

    public ProblemException(int status, String type, String title, String detail, List<Problem.FieldError> errors,
            Map<String, String> headers) {
        super(title + ": " + detail);
        this.problem = Problem.of(status, type, title, detail, errors);
        this.headers = Map.copyOf(headers);
    }

    public Problem problem() {
        return problem;
    }

    public Map<String, String> headers() {
        return headers;
    }

    public static ProblemException badRequest(String detail, List<Problem.FieldError> errors) {
        return new ProblemException(400, "validation", "Invalid request", detail, errors, Map.of());
    }
}
