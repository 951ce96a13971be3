package dev.sandbox.infra.cli;

import static dev.sandbox.infra.Component.KAFKA;
import static dev.sandbox.infra.Component.POSTGRES;
import static dev.sandbox.infra.Component.RABBITMQ;
import static dev.sandbox.infra.Component.REDIS;

import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import dev.sandbox.infra.Component;

/**
 * The sandbox as DESIGN.md draws it: which services run, on which ports, needing what. The
 * Compose file and the Kubernetes manifests describe the same topology (a test keeps them in step).
 */
public final class Topology {

    public static final List<ServiceSpec> SERVICES = List.of(
            ServiceSpec.of("gateway", "gateway", 8080, Set.of(REDIS))
                    .env("ORDER_SERVICE_URL", "{url:order-service}")
                    .env("INGESTION_SERVICE_URL", "{url:ingestion-service}")
                    .env("CHAT_SERVICE_URL", "{url:chat-service},{url:chat-service-2}")
                    .env("RAG_SERVICE_URL", "{url:rag-service}"),
            ServiceSpec.of("order-service", "order-service", 8081, Set.of(POSTGRES, KAFKA, REDIS)).database("orders")
                    .env("ORDERS_ROLE", "api"),
            // The payment processor: the same jar in another role, so it can be killed on its own.
            ServiceSpec.of("order-processor", "order-service", 8091, Set.of(POSTGRES, KAFKA)).database("orders")
                    .env("ORDERS_ROLE", "processor"),
            // Uploads and the database writer run apart, so either can be killed alone.
            ServiceSpec.of("ingestion-service", "ingestion-service", 8082, Set.of(KAFKA, POSTGRES)).database("ingestion")
                    .env("INGESTION_ROLE", "api"),
            ServiceSpec.of("ingestion-sink", "ingestion-service", 8092, Set.of(KAFKA, POSTGRES)).database("ingestion")
                    .env("INGESTION_ROLE", "sink"),
            // Two chat nodes: clients on either see each other's messages (fan-out), and either can be killed.
            ServiceSpec.of("chat-service", "chat-service", 8083, Set.of(REDIS, RABBITMQ))
                    .env("SANDBOX_IDENTITY_JWKS_URL", "{url:gateway}/.well-known/jwks.json"),
            ServiceSpec.of("chat-service-2", "chat-service", 8093, Set.of(REDIS, RABBITMQ))
                    .env("SANDBOX_IDENTITY_JWKS_URL", "{url:gateway}/.well-known/jwks.json"),
            // The gateway's keys verify callers; Lucene's vector search wants the incubating Vector API.
            ServiceSpec.of("rag-service", "rag-service", 8084, Set.of(RABBITMQ, REDIS))
                    .env("SANDBOX_IDENTITY_JWKS_URL", "{url:gateway}/.well-known/jwks.json")
                    .env("JDK_JAVA_OPTIONS", "--add-modules=jdk.incubator.vector")
                    // "Ask the sandbox about itself": the project's docs are ingested at start.
                    .env("RAG_INGEST_SEED_DIR", "docs"));

    /** What shows the services at work: started beside them unless {@code SANDBOX_OBSERVABILITY=off}. */
    public static final Set<Component> OBSERVABILITY = Set.of(Component.ZIPKIN, Component.PROMETHEUS);

    private Topology() {
    }

    public static Optional<ServiceSpec> service(String name) {
        return SERVICES.stream().filter(service -> service.name().equals(name)).findFirst();
    }

    /** The infrastructure the given services need. */
    public static Set<Component> needs(List<ServiceSpec> services) {
        var needs = EnumSet.noneOf(Component.class);
        services.forEach(service -> needs.addAll(service.needs()));
        return needs;
    }
}
