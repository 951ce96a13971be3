package dev.sandbox.common.telemetry;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import io.opentelemetry.api.trace.Span;
import io.vertx.ext.web.Router;

/**
 * Every answer names its trace: {@code X-Trace-Id}, the id to paste into the trace UI. Set on the
 * HTTP layer (a route of its own, first in every router), so JAX-RS resources, the gateway's proxy
 * and error answers all carry it. The gateway's own id wins over an upstream's: it is the same trace.
 */
@Singleton
public class TraceIdHeader {

    public static final String HEADER = "X-Trace-Id";

    void register(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE).handler(context -> {
            var span = Span.current().getSpanContext();
            if (span.isValid()) {
                var traceId = span.getTraceId();
                context.addHeadersEndHandler(ignored -> context.response().headers().set(HEADER, traceId));
            }
            context.next();
        });
    }
}
