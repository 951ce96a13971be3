package dev.sandbox.gateway.proxy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.sandbox.common.problem.Problem;
import dev.sandbox.common.problem.ProblemException;
import io.vertx.ext.web.RoutingContext;

/**
 * Writes a problem+json answer from the proxy's Vert.x handlers, the same body the JAX-RS
 * endpoints produce through the shared mappers.
 */
final class ProblemWriter {

    private ProblemWriter() {
    }

    static void write(RoutingContext ctx, ObjectMapper json, ProblemException problem) {
        var response = ctx.response();
        if (response.headWritten()) {
            // Too late for an answer: the client must see a broken response, not a truncated "success".
            response.reset();
            return;
        }
        problem.headers().forEach(response::putHeader);
        write(ctx, json, problem.problem());
    }

    static void write(RoutingContext ctx, ObjectMapper json, Problem problem) {
        var response = ctx.response();
        String body;
        try {
            body = json.writeValueAsString(problem.withInstance(ctx.request().path()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        response.setStatusCode(problem.status())
                .putHeader("Content-Type", Problem.MEDIA_TYPE)
                .putHeader("Cache-Control", "no-store")
                .end(body);
    }
}
