package dev.sandbox.rag.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import com.sun.net.httpserver.HttpServer;

import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;

import dev.sandbox.common.identity.GatewayIdentity;
import dev.sandbox.common.identity.IdentityConfig;
import dev.sandbox.common.identity.TokenVerifier;
import dev.sandbox.infra.testing.GatewayTokens;

/**
 * The gateway's keys are fetched at start, not on the first request: with a gateway that serves its
 * keys only on the third try, the start-up fetch keeps trying until it has them, and the first
 * request is verified with them (a fetch of its own would meet a 503 and answer 503
 * {@code identity-unavailable}).
 */
class CallersTest {

    @Test
    void keysAreFetchedAtStartUntilTheGatewayServesThem() throws Exception {
        var jwks = TokenVerifier.jwks(Map.of(GatewayTokens.KEY_ID, GatewayTokens.keyPair().getPublic()), GatewayTokens.KEY_ID)
                .getBytes(StandardCharsets.UTF_8);
        var asked = new AtomicInteger();
        var gateway = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        // 503 twice, the keys the third time, then 503 again: only the start-up fetch's third try gets them.
        gateway.createContext("/.well-known/jwks.json", exchange -> {
            if (asked.incrementAndGet() == 3) {
                exchange.sendResponseHeaders(200, jwks.length);
                exchange.getResponseBody().write(jwks);
            } else {
                exchange.sendResponseHeaders(503, -1);
            }
            exchange.close();
        });
        gateway.start();
        var url = URI.create("http://127.0.0.1:" + gateway.getAddress().getPort() + "/.well-known/jwks.json");
        var callers = new Callers(new GatewayIdentity(config(url)));
        try {
            callers.start(null);
            await().atMost(Duration.ofSeconds(30)).until(() -> asked.get() >= 3);
            // The first request: verified with the keys fetched at start (a fetch of its own would get a 503).
            assertThat(callers.require("Bearer " + GatewayTokens.token("bob", Callers.SCOPE)).subject()).isEqualTo("bob");
            assertThat(asked.get()).isEqualTo(3);
        } finally {
            callers.stop(null);
            gateway.stop(0);
        }
    }

    /** The service's own settings, read as Quarkus reads them (their defaults name the test tokens' issuer and audience), with {@code jwksUrl}. */
    private static IdentityConfig config(URI jwksUrl) {
        return new SmallRyeConfigBuilder().withMapping(IdentityConfig.class).withConverter(Duration.class, 100, new DurationConverter())
                .withSources(new PropertiesConfigSource(Map.of("sandbox.identity.jwks-url", jwksUrl.toString()), "test", 100)).build()
                .getConfigMapping(IdentityConfig.class);
    }
}
