package dev.sandbox.gateway.auth;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.sandbox.common.identity.GatewayIdentity;
import dev.sandbox.common.identity.IdentityConfig;
import dev.sandbox.gateway.support.GatewayTestResource;
import dev.sandbox.gateway.support.TestKeys;
import dev.sandbox.infra.Component;
import dev.sandbox.infra.testing.TestInfrastructure;
import dev.sandbox.infra.testing.WithInfrastructure;
import io.quarkus.arc.Arc;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * What the services behind the gateway see: one kind of credential, a token they can check with the
 * keys the gateway publishes. A token caller's token goes on as sent; an API key stays at the edge
 * and a token the gateway signs for it goes on in its place.
 */
@QuarkusTest
@WithInfrastructure({Component.REDIS})
@QuarkusTestResource(GatewayTestResource.class)
class UpstreamIdentityTest {

    private static final String PATH = "/api/test/echo/identity";

    @TestHTTPResource("/.well-known/jwks.json")
    URI jwks;

    @Test
    void thePublishedKeysArePublicOnly() {
        var body = given().get(jwks).then().statusCode(200).contentType("application/jwk-set+json").extract().asString();
        assertThat(body).contains("\"kid\"").contains("\"n\"").doesNotContain("\"d\"").doesNotContain("\"p\"");
    }

    @Test
    void aTokenCallersTokenReachesTheServiceAsSentAndChecksOutThere() {
        var token = TestKeys.token("alice", "test", "pro");
        String forwarded = given().auth().oauth2(token).get(PATH).then().statusCode(200).extract().path("headers.authorization");
        assertThat(forwarded).isEqualTo("Bearer " + token);
        assertThat(service().authenticate(forwarded, null).subject()).isEqualTo("alice");
    }

    @Test
    void anApiKeyCallerReachesTheServiceAsAGatewaySignedToken() {
        var key = "sk_test_" + TestInfrastructure.current().unique("phantom");
        Arc.container().instance(ApiKeyStore.class).get().store(key, "robot", "free", Set.of("test")).await().indefinitely();

        String forwarded = given().header("X-API-Key", key).get(PATH).then().statusCode(200).extract().path("headers.authorization");
        assertThat(forwarded).startsWith("Bearer ").doesNotContain(key);
        var identity = service().authenticate(forwarded, null);
        assertThat(identity.subject()).isEqualTo("key:robot");
        assertThat(identity.tier()).isEqualTo("free");
        assertThat(identity.scopes()).containsExactly("test");

        // A client's own Authorization beside its API key is checked as a token, so it cannot smuggle one past.
        given().header("X-API-Key", key).header("Authorization", "Bearer forged").get(PATH).then().statusCode(401);
    }

    /** A service configured as the sandbox configures them: keys fetched from this gateway. */
    private GatewayIdentity service() {
        var url = jwks;
        return new GatewayIdentity(new IdentityConfig() {
            @Override
            public String issuer() {
                return TestKeys.ISSUER;
            }

            @Override
            public String audience() {
                return TestKeys.AUDIENCE;
            }

            @Override
            public Duration clockSkew() {
                return Duration.ofSeconds(30);
            }

            @Override
            public Optional<String> publicKey() {
                return Optional.empty();
            }

            @Override
            public Optional<URI> jwksUrl() {
                return Optional.of(url);
            }

            @Override
            public Duration jwksRefreshInterval() {
                return Duration.ofSeconds(30);
            }

            @Override
            public int verifiedCacheSize() {
                return 10_000;
            }
        });
    }
}
