package dev.sandbox.infra.testing;

import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceConfigurableLifecycleManager;

import dev.sandbox.infra.Component;

/** The test resource behind {@link WithInfrastructure}. */
public final class InfrastructureTestResource implements QuarkusTestResourceConfigurableLifecycleManager<WithInfrastructure> {

    private EnumSet<Component> components = EnumSet.noneOf(Component.class);

    @Override
    public void init(WithInfrastructure annotation) {
        components = annotation.value().length == 0 ? EnumSet.noneOf(Component.class) : EnumSet.copyOf(List.of(annotation.value()));
    }

    @Override
    public Map<String, String> start() {
        var infrastructure = SharedInfrastructure.get();
        infrastructure.start(components);
        var test = new TestInfrastructure(infrastructure, TestInfrastructure.newRunId());
        var database = components.contains(Component.POSTGRES) ? test.database() : null;
        var config = new HashMap<>(infrastructure.endpoints().quarkusConfig(components, database));
        config.put(TestInfrastructure.RUN_ID, test.runId());
        config.put("quarkus.devservices.enabled", "false");
        return config;
    }

    @Override
    public void stop() {
        // The servers outlive the test class: the next class reuses them, the JVM's exit ends them.
    }
}
