package dev.sandbox.gateway.support;

import java.util.HashMap;
import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Starts the test upstreams before the gateway and points test routes at them:
 * <ul>
 * <li>{@code /api/test/**} to {@link #UPSTREAM} (scope {@code test});</li>
 * <li>{@code /api/open/**} to the same, anonymous;</li>
 * <li>{@code /api/admin/**} to the same, scope {@code admin};</li>
 * <li>{@code /api/limited/**} to the same, 5 requests per window for the free tier (sliding log);</li>
 * <li>{@code /api/fast/**} to the same, with a 1 s timeout;</li>
 * <li>{@code /api/flaky/**} to {@link #FLAKY}, which tests stop and start;</li>
 * <li>{@code /page/**} to {@link #UPSTREAM}, anonymous, with a Content-Security-Policy of its own ({@link #PAGE_POLICY});</li>
 * </ul>
 * and hands the gateway the test keys.
 */
public class GatewayTestResource implements QuarkusTestResourceLifecycleManager {

    public static final TestUpstream UPSTREAM = new TestUpstream().start();
    public static final TestUpstream FLAKY = new TestUpstream().start();
    public static final String PAGE_POLICY = "default-src 'none'; script-src 'self'; connect-src 'self'";

    @Override
    public Map<String, String> start() {
        var config = new HashMap<String, String>();
        route(config, "test", "/api/test", UPSTREAM, "test");
        route(config, "open", "/api/open", UPSTREAM, "");
        config.put("gateway.routes.open.anonymous", "true");
        route(config, "admin", "/api/admin", UPSTREAM, "admin");
        route(config, "limited", "/api/limited", UPSTREAM, "test");
        config.put("gateway.routes.limited.limits.free", "5");
        config.put("gateway.routes.limited.algorithm", "sliding-log");
        route(config, "fast", "/api/fast", UPSTREAM, "test");
        config.put("gateway.routes.fast.timeout", "1s");
        route(config, "flaky", "/api/flaky", FLAKY, "test");
        route(config, "page", "/page", UPSTREAM, "");
        config.put("gateway.routes.page.anonymous", "true");
        config.put("gateway.routes.page.content-security-policy", PAGE_POLICY);
        config.put("gateway.auth.jwt.public-key", TestKeys.trustedJwks());
        config.put("gateway.auth.dev-tokens.signing-key", TestKeys.rsaPrivatePem());
        return config;
    }

    private static void route(Map<String, String> config, String name, String prefix, TestUpstream upstream, String scope) {
        config.put("gateway.routes." + name + ".prefix", prefix);
        config.put("gateway.routes." + name + ".upstream-prefix", "/");
        config.put("gateway.routes." + name + ".upstreams", upstream.url());
        if (!scope.isEmpty()) {
            config.put("gateway.routes." + name + ".scopes", scope);
        }
    }

    @Override
    public void stop() {
        // The upstreams serve every test class of this JVM; they go with it.
    }
}
