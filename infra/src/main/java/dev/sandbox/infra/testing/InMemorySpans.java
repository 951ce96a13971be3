package dev.sandbox.infra.testing;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;

/**
 * The spans of the application under test, kept in memory: Quarkus exports to every
 * {@code SpanExporter} bean, and this one is in every service's {@code @QuarkusTest} (the test kit
 * is a bean archive). A test reads them with {@code @Inject InMemorySpanExporter spans}, and calls
 * {@code spans.reset()} first when earlier tests' spans would be in the way.
 */
public class InMemorySpans {

    @Produces
    @Singleton
    InMemorySpanExporter exporter() {
        return InMemorySpanExporter.create();
    }
}
