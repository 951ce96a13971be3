package dev.sandbox.common.problem;

import java.net.URI;
import java.util.List;

import jakarta.ws.rs.core.Response;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.opentelemetry.api.trace.Span;

/**
 * An RFC 9457 problem details body. {@code type} is stable (clients branch on it, never on
 * {@code detail}); {@code traceId} ties the answer to the trace and the logs of the request;
 * {@code errors} lists what was wrong with which field.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record Problem(URI type, String title, int status, String detail, String instance, String traceId,
        List<FieldError> errors) {

    public static final String MEDIA_TYPE = "application/problem+json";
    private static final String TYPE_PREFIX = "urn:problem-type:sandbox:";

    /** One invalid input: {@code field} is a JSON path ({@code items[2].quantity}), a header or a parameter name. */
    public record FieldError(String field, String message) {
    }

    public Problem {
        errors = errors == null ? List.of() : List.copyOf(errors);
    }

    /** A problem of the given type ({@code validation}, {@code idempotency-conflict}...) for the current request. */
    public static Problem of(int status, String type, String title, String detail, List<FieldError> errors) {
        return new Problem(URI.create(TYPE_PREFIX + type), title, status, detail, null, currentTraceId(), errors);
    }

    public Problem withInstance(String instance) {
        return new Problem(type, title, status, detail, instance, traceId, errors);
    }

    public Response.ResponseBuilder toResponse() {
        return Response.status(status).type(MEDIA_TYPE).entity(this);
    }

    /** The trace id of the request being served, or null outside a trace. */
    public static String currentTraceId() {
        var context = Span.current().getSpanContext();
        return context.isValid() ? context.getTraceId() : null;
    }
}
