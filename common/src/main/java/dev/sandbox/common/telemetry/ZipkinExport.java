package dev.sandbox.common.telemetry;

import java.util.Optional;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.opentelemetry.exporter.zipkin.ZipkinSpanExporter;
import io.opentelemetry.sdk.trace.export.SpanExporter;

/**
 * Spans to a Zipkin server, the sandbox's trace store, when {@code sandbox.tracing.zipkin-endpoint}
 * is set (SANDBOX_TRACING_ZIPKIN_ENDPOINT, e.g. {@code http://127.0.0.1:9411/api/v2/spans}).
 * Quarkus exports to every SpanExporter bean, batched and off the request path; with no endpoint
 * this one exports nothing. Export failures (the trace store is down) cost traces, never requests.
 */
public class ZipkinExport {

    @Produces
    @Singleton
    SpanExporter zipkin(@ConfigProperty(name = "sandbox.tracing.zipkin-endpoint") Optional<String> endpoint) {
        return endpoint.filter(url -> !url.isBlank())
                .<SpanExporter>map(url -> ZipkinSpanExporter.builder().setEndpoint(url).build())
                .orElseGet(SpanExporter::composite);
    }
}
