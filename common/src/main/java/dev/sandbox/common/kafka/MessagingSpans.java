package dev.sandbox.common.kafka;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeader;

import dev.sandbox.common.telemetry.MessagingTracer;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.quarkus.arc.properties.IfBuildProperty;

/**
 * One trace across the hops HTTP instrumentation does not see: a record's W3C trace context
 * travels in its headers ({@code traceparent}), or in a database row that waits to be published.
 *
 * <p>Every messaging span carries the same OpenTelemetry semantic-convention attributes:
 * {@code messaging.system=kafka}, {@code messaging.destination.name}, {@code messaging.operation.type}
 * ({@code send} or {@code process}) and {@code messaging.operation.name} (the same word), plus
 * {@code messaging.batch.message_count} for a batch. Span names read {@code <topic> publish} and
 * {@code <topic> process} (the attributes come from {@link MessagingTracer}, which other brokers
 * use too). Built into the services that set {@code sandbox.kafka=true}.
 */
@ApplicationScoped
@IfBuildProperty(name = "sandbox.kafka", stringValue = "true")
public class MessagingSpans {

    /** At most this many links on a batch's span: one per distinct upstream span. */
    private static final int MAX_LINKS = 128;

    private final TextMapPropagator propagator;
    private final MessagingTracer messaging;

    MessagingSpans(OpenTelemetry openTelemetry) {
        this.propagator = openTelemetry.getPropagators().getTextMapPropagator();
        this.messaging = new MessagingTracer(openTelemetry, "kafka");
    }

    /** The current trace context as a {@code traceparent} value, to store with a row; null outside a trace. */
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
        return propagator.extract(Context.root(), headers, HEADERS_GETTER);
    }

    /** Writes the context of {@code span} into the headers of a record to send. */
    public void inject(Span span, Headers headers) {
        propagator.inject(Context.root().with(span), headers,
                (carrier, key, value) -> carrier.remove(key).add(key, value.getBytes(StandardCharsets.UTF_8)));
    }

    /** The headers that carry the context of {@code span}, built once for records that share it. */
    public List<Header> headers(Span span) {
        var carrier = new HashMap<String, String>();
        propagator.inject(Context.root().with(span), carrier, Map::put);
        var headers = new ArrayList<Header>();
        carrier.forEach((key, value) -> headers.add(new RecordHeader(key, value.getBytes(StandardCharsets.UTF_8))));
        return List.copyOf(headers);
    }

    /** A producer span, {@code <topic> publish}, under {@code parent}. */
    public Span publish(String topic, Context parent) {
        return span(topic, "publish", SpanKind.PRODUCER, "send").setParent(parent).startSpan();
    }

    /** A consumer span for one record, {@code <topic> process}, under the context its headers carry. */
    public Span process(ConsumerRecord<?, ?> record) {
        return span(record.topic(), "process", SpanKind.CONSUMER, "process").setParent(fromHeaders(record.headers())).startSpan();
    }

    /**
     * A consumer span for a batch, {@code <topic> process}, linked to the span of every record in
     * it (records of many requests share a batch, so one parent cannot say it all). Its parent is
     * its first record's: a lone request reads as one trace.
     */
    public Span processBatch(String topic, Iterable<? extends ConsumerRecord<?, ?>> records, int count) {
        var contexts = new LinkedHashSet<SpanContext>();
        for (var record : records) {
            var context = Span.fromContext(fromHeaders(record.headers())).getSpanContext();
            if (context.isValid() && contexts.size() < MAX_LINKS) {
                contexts.add(context);
            }
        }
        var builder = span(topic, "process", SpanKind.CONSUMER, "process")
                .setAttribute("messaging.batch.message_count", count);
        if (contexts.isEmpty()) {
            builder.setNoParent();
        } else {
            builder.setParent(Context.root().with(Span.wrap(contexts.getFirst())));
            contexts.forEach(builder::addLink);
        }
        return builder.startSpan();
    }

    private SpanBuilder span(String topic, String verb, SpanKind kind, String operation) {
        return messaging.span(topic, verb, kind, operation);
    }

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

    private static final TextMapGetter<Headers> HEADERS_GETTER = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Headers carrier) {
            var keys = new ArrayList<String>();
            carrier.forEach(header -> keys.add(header.key()));
            return keys;
        }

        @Override
        public String get(Headers carrier, String key) {
            var header = carrier == null ? null : carrier.lastHeader(key);
            return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
        }
    };
}
