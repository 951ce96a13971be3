package dev.sandbox.common.problem;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.ElementKind;
import jakarta.validation.Path;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;

/**
 * Every error leaves a service as problem+json: what the client got wrong as a 4xx naming the
 * field, what the server got wrong as a 500 that carries the trace id and no stack trace.
 */
public class ProblemMappers {

    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

    @ServerExceptionMapper
    public Response problem(ProblemException e, UriInfo uri) {
        var response = e.problem().withInstance(uri.getPath()).toResponse();
        e.headers().forEach(response::header);
        return response.build();
    }

    @ServerExceptionMapper
    public Response invalid(ConstraintViolationException e, UriInfo uri) {
        var errors = e.getConstraintViolations().stream()
                .map(violation -> new Problem.FieldError(field(violation), violation.getMessage()))
                .sorted(Comparator.comparing(Problem.FieldError::field))
                .toList();
        var detail = errors.stream().map(error -> error.field() + ": " + error.message()).collect(Collectors.joining("; "));
        return Problem.of(400, "validation", "Invalid request", detail, errors).withInstance(uri.getPath()).toResponse().build();
    }

    @ServerExceptionMapper
    public Response unreadableJson(JsonProcessingException e, UriInfo uri) {
        return jsonProblem(e, uri);
    }

    /** Its own mapper: Quarkus has a built-in one for this type that answers in plain text. */
    @ServerExceptionMapper
    public Response mismatchedJson(MismatchedInputException e, UriInfo uri) {
        return jsonProblem(e, uri);
    }

    @ServerExceptionMapper
    public Response http(WebApplicationException e, UriInfo uri) {
        var status = e.getResponse().getStatus();
        if (e.getCause() instanceof JsonProcessingException json) {
            return jsonProblem(json, uri);
        }
        if (status >= 500) {
            return internal(e, uri);
        }
        var reason = Response.Status.fromStatusCode(status);
        var title = reason != null ? reason.getReasonPhrase() : "HTTP " + status;
        var type = title.toLowerCase(Locale.ROOT).replace(' ', '-');
        var response = Problem.of(status, type, title, e.getMessage(), List.of()).withInstance(uri.getPath()).toResponse();
        // Keep what the status needs: Allow on 405, WWW-Authenticate on 401, Retry-After on 429/503.
        e.getResponse().getHeaders().forEach((name, values) -> {
            if (!name.equalsIgnoreCase("Content-Type") && !name.equalsIgnoreCase("Content-Length")) {
                values.forEach(value -> response.header(name, value));
            }
        });
        return response.build();
    }

    @ServerExceptionMapper(priority = Priorities.USER + 1000)
    public Response internal(Throwable e, UriInfo uri) {
        var problem = Problem.of(500, "internal", "Internal error",
                "The request failed on our side; quote the trace id when reporting it.", List.of());
        LOG.errorf(e, "unhandled error on %s (trace %s)", uri.getPath(), problem.traceId());
        return problem.withInstance(uri.getPath()).toResponse().build();
    }

    private static Response jsonProblem(JsonProcessingException e, UriInfo uri) {
        String field = null;
        String message;
        if (e instanceof UnrecognizedPropertyException unknown) {
            field = path(unknown);
            message = "unknown field";
        } else if (e instanceof InvalidFormatException format) {
            field = path(format);
            message = "expected " + typeName(format.getTargetType()) + ", got " + format.getValue();
        } else if (e instanceof MismatchedInputException mismatch) {
            field = path(mismatch);
            message = "expected " + typeName(mismatch.getTargetType());
        } else {
            var location = e.getLocation();
            message = "malformed JSON" + (location != null
                    ? " at line " + location.getLineNr() + ", column " + location.getColumnNr() : "");
        }
        var errors = field == null || field.isEmpty() ? List.<Problem.FieldError>of() : List.of(new Problem.FieldError(field, message));
        var detail = field == null || field.isEmpty() ? message : field + ": " + message;
        return Problem.of(400, "malformed-body", "Unreadable request body", detail, errors)
                .withInstance(uri.getPath()).toResponse().build();
    }

    /** items[2].quantity, from Jackson's path of references. */
    private static String path(JsonMappingException e) {
        var path = new StringBuilder();
        for (var reference : e.getPath()) {
            if (reference.getIndex() >= 0) {
                path.append('[').append(reference.getIndex()).append(']');
            } else if (reference.getFieldName() != null) {
                if (!path.isEmpty()) {
                    path.append('.');
                }
                path.append(reference.getFieldName());
            }
        }
        return path.toString();
    }

    private static String typeName(Class<?> type) {
        if (type == null) {
            return "a different value";
        }
        if (Number.class.isAssignableFrom(type) || (type.isPrimitive() && type != boolean.class)) {
            return "a number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (type == String.class || type.isEnum()) {
            return "a string";
        }
        if (Collection.class.isAssignableFrom(type) || type.isArray()) {
            return "an array";
        }
        return "an object";
    }

    /** The field a violation is about: the bean path without the method and parameter names. */
    private static String field(ConstraintViolation<?> violation) {
        var names = new ArrayList<String>();
        for (Path.Node node : violation.getPropertyPath()) {
            if (node.getKind() == ElementKind.METHOD || node.getKind() == ElementKind.CONSTRUCTOR) {
                continue;
            }
            if (node.getKind() == ElementKind.PARAMETER) {
                names.clear();
                names.add(node.getName());
                continue;
            }
            var name = node.getName();
            if (node.getIndex() != null && !names.isEmpty()) {
                names.set(names.size() - 1, names.getLast() + "[" + node.getIndex() + "]");
            }
            if (name != null && !name.startsWith("<")) {
                names.add(name);
            }
        }
        // A body parameter's own name is noise: "body.items[0].quantity" reads as "items[0].quantity".
        if (names.size() > 1) {
            names.removeFirst();
        }
        return String.join(".", names);
    }
}
