package dev.sandbox.chat.testing;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.sandbox.infra.testing.GatewayTokens;
import dev.sandbox.infra.testing.ServiceUnderTest;
import dev.sandbox.infra.testing.TestInfrastructure;

/** Chat nodes as OS processes (the test kit's {@link ServiceUnderTest}), so that a test can kill -9 one. */
public final class ChatNodes {

    private ChatNodes() {
    }

    /**
     * A node of the topology's {@code component}, named {@code name} (its directory and its
     * {@code chat.node-id}), trusting {@link GatewayTokens}' key; {@code settings} give it the
     * run's own Redis keys and exchange ({@code CHAT_NAMESPACE}) and its design switches.
     */
    public static ServiceUnderTest node(TestInfrastructure infra, String component, String name, Map<String, String> settings) {
        var environment = new LinkedHashMap<>(GatewayTokens.environment());
        environment.put("CHAT_NODE_ID", name);
        environment.putAll(settings);
        return new ServiceUnderTest(infra, component, name, environment);
    }
}
