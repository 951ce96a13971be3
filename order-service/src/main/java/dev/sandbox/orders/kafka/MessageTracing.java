package dev.sandbox.orders.kafka;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.common.header.Headers;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;

/**
 * One trace from {@code POST /orders} to the order's final status, across the hops HTTP
 * instrumentation does not see: the outbox row, {@code orders.v1}, the processor,
 * {@code payments.v1}. The W3C trace context travels in the outbox row and in record headers.
 */
@ApplicationScoped
public class MessageTracing {

    private static final TextMapGetter<Map<String, String>> MAP_GETTER = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Map<String, String> carrier) {
            return carrier.keySet();
        }

        @Override
        public String get(Map<String, String> carrier, String key) {
            return carrier == null ? null : carrier.get(key);
        }
    };

    private final TextMapPropagator propagator;
    private final Tracer tracer;

    MessageTracing(OpenTelemetry openTelemetry) {
        this.propagator = openTelemetry.getPropagators().getTextMapPropagator();
        this.tracer = openTelemetry.getTracer("dev.sandbox.orders");
    }

    /** The current trace context as a {@code traceparent} value, to store with an outbox row; null outside a trace. */
    public String currentTraceparent() {
        var carrier = new HashMap<String, String>();
        propagator.inject(Context.current(), carrier, Map::put);
        return carrier.get("traceparent");
    }

    /** The context a stored {@code traceparent} names (the root context for null). */
    public Context fromTraceparent(String traceparent) {
        var carrier = traceparent == null ? Map.<String, String>of() : Map.of("traceparent", traceparent);
        return propagator.extract(Context.root(), carrier, MAP_GETTER);
    }

    /** The context the headers of a consumed record carry. */
    public Context fromHeaders(Headers headers) {
        var carrier = new HashMap<String, String>();
        headers.forEach(header -> carrier.put(header.key(), new String(header.value(), StandardCharsets.UTF_8)));
        return propagator.extract(Context.root(), carrier, MAP_GETTER);
    }

    /** Writes the context of {@code span} into the headers of a record to send. */
    public void inject(Span span, Headers headers) {
        propagator.inject(Context.root().with(span), headers,
                (carrier, key, value) -> carrier.remove(key).add(key, value.getBytes(StandardCharsets.UTF_8)));
    }

    /** A span for a messaging operation on a topic: {@code orders.v1 publish}, {@code payments.v1 process}. */
    public Span start(String topic, String operation, SpanKind kind, Context parent) {
        return tracer.spanBuilder(topic + " " + operation).setSpanKind(kind).setParent(parent)
                .setAttribute("messaging.system", "kafka")
                .setAttribute("messaging.destination.name", topic)
                .setAttribute("messaging.operation.name", operation)
                .startSpan();
    }
}
