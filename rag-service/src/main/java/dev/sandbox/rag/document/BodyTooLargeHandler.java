package dev.sandbox.rag.document;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.sandbox.common.problem.Problem;
import io.quarkus.runtime.configuration.MemorySize;
import io.quarkus.vertx.http.runtime.RouteConstants;
import io.vertx.ext.web.Router;

/**
 * A body declared larger than {@code quarkus.http.limits.max-body-size} is refused by Quarkus
 * before any JAX-RS code runs, with an empty 413. This route, just ahead of that check, refuses it
 * the same way but with the problem+json every other error has.
 */
@ApplicationScoped
public class BodyTooLargeHandler {

    private final ObjectMapper mapper;
    private final long limit;

    BodyTooLargeHandler(ObjectMapper mapper, @ConfigProperty(name = "quarkus.http.limits.max-body-size") MemorySize limit) {
        this.mapper = mapper;
        this.limit = limit.asLongValue();
    }

    void register(@Observes Router router) {
        router.route().order(RouteConstants.ROUTE_ORDER_UPLOAD_LIMIT - 1).handler(context -> {
            var length = context.request().getHeader("Content-Length");
            if (length == null || !length.matches("\\d{1,18}") || Long.parseLong(length) <= limit) {
                context.next();
                return;
            }
            var problem = Problem.of(413, "payload-too-large", "Payload too large",
                    "The request body has " + length + " bytes; at most " + limit + " are accepted.", List.of())
                    .withInstance(context.request().path());
            try {
                // The body is not read: close the connection rather than drain it.
                context.response().setStatusCode(413).putHeader("Content-Type", Problem.MEDIA_TYPE).putHeader("Connection", "close")
                        .end(mapper.writeValueAsString(problem));
            } catch (JsonProcessingException e) {
                context.next();
            }
        });
    }
}
