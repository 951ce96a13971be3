package dev.sandbox.infra.testing;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Set;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.smallrye.jwt.build.Jwt;

/**
 * Tokens as the gateway signs them, for the tests of the services behind it: a key pair made once
 * per test JVM (never committed), a service under test that trusts its public half, and
 * {@link #token} to sign for any caller.
 *
 * <pre>
 * &#64;QuarkusTest
 * &#64;QuarkusTestResource(GatewayTokens.class)   // sets sandbox.identity.public-key
 * class RoomTest { ... given().auth().oauth2(GatewayTokens.token("alice", "chat")) ... }
 * </pre>
 *
 * A service started as an OS process ({@link ServiceUnderTest}) trusts the same key with
 * {@link #environment()}.
 */
public final class GatewayTokens implements QuarkusTestResourceLifecycleManager {

    public static final String ISSUER = "sandbox-gateway";
    public static final String AUDIENCE = "sandbox-api";
    public static final String KEY_ID = "sandbox-dev";

    private static final KeyPair KEYS = generate();

    @Override
    public Map<String, String> start() {
        return Map.of("sandbox.identity.public-key", publicKeyPem());
    }

    @Override
    public void stop() {
        // The key pair lives as long as the JVM: other test classes may still hold tokens.
    }

    /** A token for {@code subject} (tier free, valid for an hour) holding {@code scopes}. */
    public static String token(String subject, String... scopes) {
        return token(subject, "free", Duration.ofHours(1), scopes);
    }

    public static String token(String subject, String tier, Duration lifetime, String... scopes) {
        return Jwt.issuer(ISSUER)
                .audience(AUDIENCE)
                .subject(subject)
                .scope(Set.of(scopes))
                .claim("tier", tier)
                .expiresIn(lifetime)
                .jws().keyId(KEY_ID)
                .sign(KEYS.getPrivate());
    }

    /** The public key services under test trust, as PEM. */
    public static String publicKeyPem() {
        var base64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(KEYS.getPublic().getEncoded());
        return "-----BEGIN PUBLIC KEY-----\n" + base64 + "\n-----END PUBLIC KEY-----\n";
    }

    /**
     * The settings of a service under test that trusts this key in place of fetching the gateway's
     * ({@code SANDBOX_IDENTITY_JWKS_URL} names the gateway, which does not run; an empty value is no value).
     */
    public static Map<String, String> environment() {
        return Map.of("SANDBOX_IDENTITY_PUBLIC_KEY", publicKeyPem(), "SANDBOX_IDENTITY_JWKS_URL", "");
    }

    public static KeyPair keyPair() {
        return KEYS;
    }

    private static KeyPair generate() {
        try {
            var generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
