package dev.sandbox.common.telemetry;

import java.util.Map;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.context.propagation.TextMapSetter;

/**
 * Messaging spans for one broker, whatever it is: the W3C trace context travels in the message's
 * headers ({@code traceparent}), so a publish on one service and the processing on another read as
 * one trace. Every span carries the OpenTelemetry semantic-convention attributes
 * {@code messaging.system} (given), {@code messaging.destination.name},
 * {@code messaging.operation.type} ({@code send} or {@code process}) and
 * {@code messaging.operation.name} (the same word); names read {@code <destination> publish} and
 * {@code <destination> process}. Kafka's {@code MessagingSpans} builds on it; RabbitMQ users make
 * one with {@code messaging.system=rabbitmq}.
 */
public final class MessagingTracer {

    /**
     * Reads headers kept as a map whose values print as their text, as AMQP's are (a RabbitMQ
     * client hands them back as {@code LongString}s).
     */
    public static final TextMapGetter<Map<String, Object>> MAP_HEADERS = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Map<String, Object> carrier) {
            return carrier.keySet();
        }

        @Override
        public String get(Map<String, Object> carrier, String key) {
            var value = carrier == null ? null : carrier.get(key);
            return value == null ? null : value.toString();
        }
    };

    private final String system;
    private final TextMapPropagator propagator;
    private final Tracer tracer;

    /** The instrumentation scope is {@code dev.sandbox.common.<system>}. */
    public MessagingTracer(OpenTelemetry openTelemetry, String system) {
        this.system = system;
        this.propagator = openTelemetry.getPropagators().getTextMapPropagator();
        this.tracer = openTelemetry.getTracer("dev.sandbox.common." + system);
    }

    /** A span with the messaging attributes, for the caller to add to and start. */
    public SpanBuilder span(String destination, String verb, SpanKind kind, String operation) {
        return tracer.spanBuilder(destination + " " + verb).setSpanKind(kind)
                .setAttribute("messaging.system", system)
                .setAttribute("messaging.destination.name", destination)
                .setAttribute("messaging.operation.type", operation)
                .setAttribute("messaging.operation.name", operation);
    }

    /** A producer span builder, {@code <destination> publish}, under {@code parent}. */
    public SpanBuilder publish(String destination, Context parent) {
        return span(destination, "publish", SpanKind.PRODUCER, "send").setParent(parent);
    }

    /** A consumer span builder, {@code <destination> process}, under the context a message carried. */
    public SpanBuilder process(String destination, Context carried) {
        return span(destination, "process", SpanKind.CONSUMER, "process").setParent(carried);
    }

    /** Writes the context of {@code span} into a message's headers. */
    public <C> void inject(Span span, C carrier, TextMapSetter<C> setter) {
        propagator.inject(Context.root().with(span), carrier, setter);
    }

    /** The context a message's headers carry (the root context when they carry none). */
    public <C> Context extract(C carrier, TextMapGetter<C> getter) {
        return propagator.extract(Context.root(), carrier, getter);
    }
}
