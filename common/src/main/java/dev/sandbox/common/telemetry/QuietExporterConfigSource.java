package dev.sandbox.common.telemetry;

import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * With no OTLP endpoint configured there is no collector to export to, and the exporter would log
 * a connection error every few seconds. Then, and only then, its logger is silenced. Spans are made
 * all the same: trace ids still reach the logs and the problem+json bodies, and {@code traceparent}
 * still propagates to the next service.
 */
public class QuietExporterConfigSource implements ConfigSource {

    static final String EXPORTER_LOG_LEVEL =
            "quarkus.log.category.\"io.quarkus.opentelemetry.runtime.exporter.otlp.sender\".level";

    private static final Set<String> ENDPOINT_VARIABLES = Set.of(
            "OTEL_EXPORTER_OTLP_ENDPOINT",
            "QUARKUS_OTEL_EXPORTER_OTLP_ENDPOINT",
            "QUARKUS_OTEL_EXPORTER_OTLP_TRACES_ENDPOINT");

    private final Map<String, String> properties = collectorConfigured() ? Map.of() : Map.of(EXPORTER_LOG_LEVEL, "OFF");

    private static boolean collectorConfigured() {
        return ENDPOINT_VARIABLES.stream()
                .flatMap(name -> Stream.of(System.getenv(name), System.getProperty(name.toLowerCase().replace('_', '.'))))
                .anyMatch(value -> value != null && !value.isBlank());
    }

    @Override
    public Map<String, String> getProperties() {
        return properties;
    }

    @Override
    public Set<String> getPropertyNames() {
        return properties.keySet();
    }

    @Override
    public String getValue(String propertyName) {
        return properties.get(propertyName);
    }

    @Override
    public String getName() {
        return "sandbox-quiet-exporter";
    }

    /** Below application.properties (250) and the environment (300): an explicit level always wins. */
    @Override
    public int getOrdinal() {
        return 50;
    }
}
