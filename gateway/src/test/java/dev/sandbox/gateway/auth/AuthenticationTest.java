package dev.sandbox.gateway.auth;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;

import org.awaitility.Awaitility;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.keys.HmacKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.sandbox.gateway.support.GatewayTestResource;
import dev.sandbox.gateway.support.TestKeys;
import dev.sandbox.infra.Component;
import dev.sandbox.infra.testing.TestInfrastructure;
import dev.sandbox.infra.testing.WithInfrastructure;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** The JWT suite and API keys: every forged, stale or misdirected token is a 401; a missing scope a 403. */
@QuarkusTest
@WithInfrastructure({Component.REDIS})
@QuarkusTestResource(GatewayTestResource.class)
class AuthenticationTest {

    private static final String PATH = "/api/test/echo/auth";

    @Test
    void validRs256AndEs256TokensPass() {
        given().auth().oauth2(TestKeys.token("alice", "test", "pro")).get(PATH)
                .then().statusCode(200).body("headers.x-auth-subject", equalTo("user:alice"));
        given().auth().oauth2(TestKeys.es256(TestKeys.claims("carol", "test", "free"))).get(PATH)
                .then().statusCode(200).body("headers.x-auth-subject", equalTo("user:carol"));
    }

    static java.util.stream.Stream<Arguments> badTokens() {
        var now = Instant.now();
        return java.util.stream.Stream.of(
                Arguments.of("expired", TestKeys.rs256(TestKeys.claims("alice", "test", "pro")
                        .issuedAt(now.minusSeconds(600)).expiresAt(now.minusSeconds(120)))),
                Arguments.of("not yet valid", TestKeys.rs256(TestKeys.claims("alice", "test", "pro")
                        .claim("nbf", now.plusSeconds(600).getEpochSecond()))),
                Arguments.of("wrong issuer", TestKeys.rs256(TestKeys.claims("alice", "test", "pro").issuer("someone-else"))),
                Arguments.of("wrong audience", TestKeys.rs256(TestKeys.claims("alice", "test", "pro").audience("another-api"))),
                Arguments.of("bad signature", TestKeys.claims("alice", "test", "pro").jws().keyId(TestKeys.RSA_KID)
                        .sign(TestKeys.STRANGER.getPrivate())),
                Arguments.of("alg none", unsigned()),
                Arguments.of("key confusion (HS256 keyed with our public key)", hs256WithPublicKey()),
                Arguments.of("garbage", "not.a.jwt"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badTokens")
    void badTokensAre401WithAChallenge(String why, String token) {
        given().auth().oauth2(token).get(PATH)
                .then().statusCode(401)
                .contentType("application/problem+json")
                .header("WWW-Authenticate", containsString("error=\"invalid_token\""))
                .body("type", equalTo("urn:problem-type:sandbox:invalid-token"));
        org.assertj.core.api.Assertions.assertThat(GatewayTestResource.UPSTREAM.received(PATH.replace("/api/test", "")))
                .noneMatch(request -> token.equals(request.headers().get("authorization")));
    }

    /** A verified token is remembered (common's TokenVerifier): it must still stop passing when it expires. */
    @Test
    void aRememberedTokenStillExpires() {
        var now = Instant.now();
        // Past its exp, but within the 30 s clock skew for a few seconds more.
        var token = TestKeys.rs256(TestKeys.claims("dora", "test", "free").issuedAt(now.minusSeconds(60)).expiresAt(now.minusSeconds(22)));
        given().auth().oauth2(token).get(PATH).then().statusCode(200);
        given().auth().oauth2(token).get(PATH).then().statusCode(200);
        Awaitility.await("the remembered token expires").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
                .untilAsserted(() -> given().auth().oauth2(token).get(PATH).then().statusCode(401)
                        .body("type", equalTo("urn:problem-type:sandbox:invalid-token")));
    }

    /** What is remembered is the exact token: its signature on other claims is a forgery, as before. */
    @Test
    void aRememberedSignatureDoesNotVouchForOtherClaims() {
        var token = TestKeys.token("erin", "test", "free");
        given().auth().oauth2(token).get(PATH).then().statusCode(200).body("headers.x-auth-tier", equalTo("free"));
        var parts = token.split("\\.");
        var claims = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8).replace("\"free\"", "\"pro\"");
        var forged = parts[0] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(claims.getBytes(StandardCharsets.UTF_8))
                + "." + parts[2];
        given().auth().oauth2(forged).get(PATH).then().statusCode(401)
                .body("type", equalTo("urn:problem-type:sandbox:invalid-token"));
    }

    @Test
    void noCredentialsIs401AndAMissingScopeIs403() {
        given().get(PATH).then().statusCode(401)
                .header("WWW-Authenticate", containsString("Bearer realm=\"sandbox\""))
                .body("type", equalTo("urn:problem-type:sandbox:unauthenticated"));
        given().header("Authorization", "Basic YWxpY2U6c2VjcmV0").get(PATH).then().statusCode(401);
        given().auth().oauth2(TestKeys.token("bob", "test", "free")).get("/api/admin/echo")
                .then().statusCode(403)
                .contentType("application/problem+json")
                .header("WWW-Authenticate", containsString("insufficient_scope"))
                .body("type", equalTo("urn:problem-type:sandbox:insufficient-scope"));
    }

    @Test
    void apiKeysAreLookedUpHashed() {
        var key = "sk_test_" + TestInfrastructure.current().unique("key");
        var store = io.quarkus.arc.Arc.container().instance(ApiKeyStore.class).get();
        store.store(key, "tester", "free", java.util.Set.of("test")).await().indefinitely();

        given().header("X-API-Key", key).get(PATH).then().statusCode(200)
                .body("headers.x-auth-subject", equalTo("key:tester"))
                // The secret stays at the edge.
                .body("headers.x-api-key", org.hamcrest.Matchers.nullValue());
        given().header("X-API-Key", key + "x").get(PATH).then().statusCode(401)
                .header("WWW-Authenticate", containsString("ApiKey"))
                .body("type", equalTo("urn:problem-type:sandbox:invalid-api-key"));
        given().header("X-API-Key", key).get("/api/admin/echo").then().statusCode(403);

        try (var redis = new redis.clients.jedis.Jedis(TestInfrastructure.current().endpoints().redis().uri())) {
            org.assertj.core.api.Assertions.assertThat(redis.keys("gateway:api-keys:*")).noneMatch(stored -> stored.contains(key));
            org.assertj.core.api.Assertions.assertThat(redis.exists("gateway:api-keys:" + ApiKeyStore.sha256(key))).isTrue();
        }
    }

    @Test
    void devTokensWorkForDemoUsersOnly() {
        var token = given().contentType("application/json").body("{\"username\": \"bob\"}").post("/auth/token")
                .then().statusCode(200).body("token_type", equalTo("Bearer")).body("expires_in", equalTo(3600))
                .body("access_token", notNullValue()).extract().path("access_token");
        // bob holds orders and events, not the test scope.
        given().auth().oauth2((String) token).get(PATH).then().statusCode(403);

        given().contentType("application/json").body("{\"username\": \"mallory\"}").post("/auth/token")
                .then().statusCode(400).contentType("application/problem+json");
        given().contentType("application/json").body("{\"username\": ").post("/auth/token")
                .then().statusCode(400).contentType("application/problem+json");
    }

    /** JSONTestSuite's texts as token requests: each parses or is refused, with a 4xx, never a 5xx. */
    @Test
    void jsonTestSuiteBodiesAreParsedOrRefusedNeverA5xx() {
        dev.sandbox.infra.testing.PeerSuites.assertJsonEndpointHoldsToTheSuite(body -> given().contentType("application/json")
                .body(body.getBytes(StandardCharsets.UTF_8)).post("/auth/token"));
    }

    private static String unsigned() {
        var encoder = Base64.getUrlEncoder().withoutPadding();
        var header = encoder.encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
        var payload = encoder.encodeToString(validClaims().getBytes(StandardCharsets.UTF_8));
        return header + "." + payload + ".";
    }

    /** Claims that would pass, were they signed properly. */
    private static String validClaims() {
        var claims = new org.jose4j.jwt.JwtClaims();
        claims.setIssuer(TestKeys.ISSUER);
        claims.setAudience(TestKeys.AUDIENCE);
        claims.setSubject("alice");
        claims.setClaim("scope", "test");
        claims.setIssuedAtToNow();
        claims.setExpirationTimeMinutesInTheFuture(5);
        return claims.toJson();
    }

    /** The classic confusion attack: an HS256 token whose HMAC secret is the server's RSA public key. */
    private static String hs256WithPublicKey() {
        try {
            var jws = new JsonWebSignature();
            jws.setPayload(validClaims());
            jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.HMAC_SHA256);
            jws.setKeyIdHeaderValue(TestKeys.RSA_KID);
            jws.setKey(new HmacKey(TestKeys.rsaPublicPem().getBytes(StandardCharsets.US_ASCII)));
            jws.setDoKeyValidation(false);
            return jws.getCompactSerialization();
        } catch (org.jose4j.lang.JoseException e) {
            throw new IllegalStateException(e);
        }
    }
}
