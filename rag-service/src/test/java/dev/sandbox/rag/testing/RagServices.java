package dev.sandbox.rag.testing;

import java.util.LinkedHashMap;

import dev.sandbox.infra.testing.GatewayTokens;
import dev.sandbox.infra.testing.ServiceUnderTest;
import dev.sandbox.infra.testing.TestInfrastructure;

/** rag-service as an OS process (the test kit's {@link ServiceUnderTest}), so that a test can kill -9 it. */
public final class RagServices {

    private RagServices() {
    }

    /**
     * The topology's {@code rag-service}, trusting {@link GatewayTokens}' key, with an index
     * directory and a queue of its own that outlive its restarts, quick retries, and no seed
     * documents (the test's are the only ones).
     */
    public static ServiceUnderTest underTest(TestInfrastructure infra, String name) {
        var environment = new LinkedHashMap<>(GatewayTokens.environment());
        environment.put("RAG_INGEST_SEED_DIR", "");
        environment.put("RAG_DATA_DIR", infra.directory().resolve(name).resolve("index").toString());
        environment.put("RAG_INGEST_QUEUE", infra.unique("rag.ingest"));
        environment.put("RAG_INGEST_FIRST_BACKOFF", "100ms");
        return new ServiceUnderTest(infra, "rag-service", name, environment);
    }
}
