package dev.sandbox.ingestion;

import java.util.HashMap;
import java.util.Map;

import dev.sandbox.infra.testing.ServiceUnderTest;
import dev.sandbox.infra.testing.TestInfrastructure;

/**
 * The packaged service run as OS processes (to kill -9 them), as ./sandbox runs it, through the
 * test kit's {@link ServiceUnderTest}: the topology's {@code ingestion-service} (uploads) and
 * {@code ingestion-sink}, on free ports, with topics, a consumer group and a database of the
 * test's own. Their directories live in the test infrastructure's run, so they die with it even
 * if this JVM is killed.
 */
public final class ServiceProcesses {

    private final TestInfrastructure infra;
    private int started;

    public ServiceProcesses(TestInfrastructure infra) {
        this.infra = infra;
    }

    public String database() {
        return infra.database();
    }

    public String eventsTopic() {
        return infra.unique("events.v1");
    }

    /** A topology service ({@code ingestion-service} or {@code ingestion-sink}) with extra settings, started and ready. */
    public ServiceUnderTest start(String name, Map<String, String> settings) {
        var environment = new HashMap<String, String>();
        environment.put("INGESTION_TOPICS_EVENTS", eventsTopic());
        environment.put("INGESTION_TOPICS_DEAD_LETTERS", infra.unique("events.dlq.v1"));
        environment.put("INGESTION_SINK_GROUP_ID", infra.unique("ingestion-sink"));
        environment.putAll(settings);
        var service = new ServiceUnderTest(infra, name, "services-" + infra.runId() + "/" + name + "-" + ++started, environment);
        return service.startAndAwaitReady(Map.of());
    }
}
