package dev.sandbox.common.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import com.sun.net.httpserver.HttpServer;

import dev.sandbox.common.problem.ProblemException;
import dev.sandbox.infra.testing.GatewayTokens;
import io.smallrye.jwt.build.Jwt;

/** Services behind the gateway take its tokens, and nothing else, as the caller's identity. */
class GatewayIdentityTest {

    @Test
    void aGatewayTokenNamesTheCallerItsTierAndScopes() {
        var identity = configured().authenticate("Bearer " + GatewayTokens.token("alice", "pro", Duration.ofMinutes(5), "chat", "rag"), null);
        assertThat(identity).isEqualTo(new Identity("alice", "pro", java.util.Set.of("chat", "rag")));
        // The same token as a query parameter (a browser's WebSocket cannot set headers).
        assertThat(configured().authenticate(null, GatewayTokens.token("bob", "chat")).subject()).isEqualTo("bob");
    }

    @Test
    void noTokenAForgedOneOrAnExpiredOneIs401() throws NoSuchAlgorithmException {
        var identity = configured();
        assertProblem(() -> identity.authenticate(null, null), 401, "unauthenticated");
        assertProblem(() -> identity.authenticate("Basic YWxpY2U6eA==", null), 401, "invalid-token");
        assertProblem(() -> identity.authenticate(null, "not.a.jwt"), 401, "invalid-token");
        var stranger = KeyPairGenerator.getInstance("RSA").generateKeyPair();
        var forged = Jwt.issuer(GatewayTokens.ISSUER).audience(GatewayTokens.AUDIENCE).subject("alice").scope("chat")
                .jws().keyId(GatewayTokens.KEY_ID).sign(stranger.getPrivate());
        assertProblem(() -> identity.authenticate("Bearer " + forged, null), 401, "invalid-token");
        var expired = GatewayTokens.token("alice", "free", Duration.ofSeconds(-120), "chat");
        assertProblem(() -> identity.authenticate("Bearer " + expired, null), 401, "invalid-token");
        var otherIssuer = Jwt.issuer("someone-else").audience(GatewayTokens.AUDIENCE).subject("alice")
                .jws().keyId(GatewayTokens.KEY_ID).sign(GatewayTokens.keyPair().getPrivate());
        assertProblem(() -> identity.authenticate("Bearer " + otherIssuer, null), 401, "invalid-token");
    }

    @Test
    void aMissingScopeIs403() {
        var identity = configured();
        var caller = identity.authenticate(null, GatewayTokens.token("eve", "events"));
        assertProblem(() -> identity.require(caller, "chat"), 403, "insufficient-scope");
        assertThat(identity.require(caller, "events")).isSameAs(caller);
    }

    /** A verified token is remembered, so its signature is checked once: it must still stop passing when it expires. */
    @Test
    void aRememberedTokenStillExpires() {
        var identity = configured();
        var now = Instant.now();
        // Past its exp, but within the 30 s clock skew for two seconds more.
        var token = Jwt.issuer(GatewayTokens.ISSUER).audience(GatewayTokens.AUDIENCE).subject("alice").scope("rag")
                .issuedAt(now.minusSeconds(60)).expiresAt(now.minusSeconds(28))
                .jws().keyId(GatewayTokens.KEY_ID).sign(GatewayTokens.keyPair().getPrivate());
        assertThat(identity.authenticate("Bearer " + token, null).subject()).isEqualTo("alice");
        assertThat(identity.authenticate("Bearer " + token, null).subject()).isEqualTo("alice");
        Awaitility.await("the remembered token expires").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                .untilAsserted(() -> assertProblem(() -> identity.authenticate("Bearer " + token, null), 401, "invalid-token"));
    }

    /** Keys from the gateway's JWKS: fetched on first use, and again when the gateway's key changed. */
    @Test
    void keysAreFetchedFromTheJwksAndRefetchedAfterTheGatewayChangedItsKey() throws Exception {
        var old = KeyPairGenerator.getInstance("RSA").generateKeyPair();
        var published = new AtomicReference<>(TokenVerifier.jwks(Map.of(GatewayTokens.KEY_ID, old.getPublic()), "unused"));
        var fetches = new AtomicInteger();
        var server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/.well-known/jwks.json", exchange -> {
            fetches.incrementAndGet();
            var body = published.get().getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        try {
            var url = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/.well-known/jwks.json");
            var identity = new GatewayIdentity(config(Optional.empty(), Optional.of(url), Duration.ZERO));
            var oldToken = Jwt.issuer(GatewayTokens.ISSUER).audience(GatewayTokens.AUDIENCE).subject("alice")
                    .jws().keyId(GatewayTokens.KEY_ID).sign(old.getPrivate());
            assertThat(identity.authenticate("Bearer " + oldToken, null).subject()).isEqualTo("alice");
            assertThat(identity.authenticate("Bearer " + oldToken, null).subject()).isEqualTo("alice");
            assertThat(fetches).hasValue(1);

            // The gateway restarted with a new key under the same id: a new token fails with the old key, the JWKS is read again.
            published.set(TokenVerifier.jwks(Map.of(GatewayTokens.KEY_ID, GatewayTokens.keyPair().getPublic()), "unused"));
            assertThat(identity.authenticate("Bearer " + GatewayTokens.token("bob", "chat"), null).subject()).isEqualTo("bob");
            assertThat(fetches).hasValue(2);
        } finally {
            server.stop(0);
        }
    }

    @Test
    void withoutTheGatewaysKeysCallersAreToldToRetryNotRefused() throws IOException {
        var closedPort = new java.net.ServerSocket(0);
        var url = URI.create("http://127.0.0.1:" + closedPort.getLocalPort() + "/.well-known/jwks.json");
        closedPort.close();
        var identity = new GatewayIdentity(config(Optional.empty(), Optional.of(url), Duration.ofSeconds(30)));
        assertProblem(() -> identity.authenticate(null, GatewayTokens.token("alice", "chat")), 503, "identity-unavailable");
    }

    private static GatewayIdentity configured() {
        return new GatewayIdentity(config(Optional.of(GatewayTokens.publicKeyPem()), Optional.empty(), Duration.ofSeconds(30)));
    }

    private static void assertProblem(Runnable call, int status, String type) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(ProblemException.class, problem -> {
            assertThat(problem.problem().status()).isEqualTo(status);
            assertThat(problem.problem().type().toString()).endsWith(":" + type);
        });
    }

    private static IdentityConfig config(Optional<String> publicKey, Optional<URI> jwksUrl, Duration refresh) {
        return new IdentityConfig() {
            @Override
            public String issuer() {
                return GatewayTokens.ISSUER;
            }

            @Override
            public String audience() {
                return GatewayTokens.AUDIENCE;
            }

            @Override
            public Duration clockSkew() {
                return Duration.ofSeconds(30);
            }

            @Override
            public Optional<String> publicKey() {
                return publicKey;
            }

            @Override
            public Optional<URI> jwksUrl() {
                return jwksUrl;
            }

            @Override
            public Duration jwksRefreshInterval() {
                return refresh;
            }

            @Override
            public int verifiedCacheSize() {
                return 10_000;
            }
        };
    }
}
