package dev.sandbox.ingestion.tracing;

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

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;

/**
 * Carries the trace across Kafka: an upload's publish span travels in each record's headers
 * ({@code traceparent}), and the sink's span for a batch links to the publish span of every record
 * in it (records of many uploads share a batch, so one parent cannot say it all). The batch span's
 * parent is its first record's: a lone upload reads as one trace, from the request to the SQL.
 */
@ApplicationScoped
public class RecordTracing {

    private static final int MAX_LINKS = 128;

    private final Tracer tracer;
    private final OpenTelemetry openTelemetry;

    RecordTracing(Tracer tracer, OpenTelemetry openTelemetry) {
        this.tracer = tracer;
        this.openTelemetry = openTelemetry;
    }

    /** The span of an upload's sends, under the request's span. */
    public Span startPublish(String topic) {
        return tracer.spanBuilder(topic + " publish").setSpanKind(SpanKind.PRODUCER)
                .setAttribute("messaging.system", "kafka")
                .setAttribute("messaging.destination.name", topic)
                .setAttribute("messaging.operation.type", "send")
                .startSpan();
    }

    /** The headers every record of the upload carries: the same few bytes, built once. */
    public List<Header> headers(Span publish) {
        var carrier = new HashMap<String, String>();
        openTelemetry.getPropagators().getTextMapPropagator().inject(Context.current().with(publish), carrier, Map::put);
        var headers = new ArrayList<Header>();
        carrier.forEach((key, value) -> headers.add(new RecordHeader(key, value.getBytes(StandardCharsets.UTF_8))));
        return List.copyOf(headers);
    }

    /** The sink's span for one batch, linked to the publish spans of its records. */
    public Span startProcess(String topic, Iterable<ConsumerRecord<String, byte[]>> records, int count) {
        var contexts = new LinkedHashSet<SpanContext>();
        for (var record : records) {
            var context = Span.fromContext(extract(record.headers())).getSpanContext();
            if (context.isValid() && contexts.size() < MAX_LINKS) {
                contexts.add(context);
            }
        }
        var builder = tracer.spanBuilder(topic + " process").setSpanKind(SpanKind.CONSUMER)
                .setAttribute("messaging.system", "kafka")
                .setAttribute("messaging.destination.name", topic)
                .setAttribute("messaging.operation.type", "process")
                .setAttribute("messaging.batch.message_count", count);
        if (contexts.isEmpty()) {
            builder.setNoParent();
        } else {
            builder.setParent(Context.root().with(Span.wrap(contexts.getFirst())));
            contexts.forEach(builder::addLink);
        }
        return builder.startSpan();
    }

    private Context extract(Headers headers) {
        return openTelemetry.getPropagators().getTextMapPropagator().extract(Context.root(), headers, HEADERS);
    }

    private static final TextMapGetter<Headers> HEADERS = new TextMapGetter<>() {
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
