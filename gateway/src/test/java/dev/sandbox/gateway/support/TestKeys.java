package dev.sandbox.gateway.support;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Base64;
import java.util.Set;

import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.lang.JoseException;

import io.smallrye.jwt.algorithm.SignatureAlgorithm;
import io.smallrye.jwt.build.Jwt;
import io.smallrye.jwt.build.JwtClaimsBuilder;

/**
 * Keys made when the tests start, never committed: the gateway trusts {@link #RSA} (which also
 * signs its dev tokens) and {@link #EC}; {@link #STRANGER} is a key it has never heard of.
 */
public final class TestKeys {

    public static final String ISSUER = "sandbox-gateway";
    public static final String AUDIENCE = "sandbox-api";
    public static final String RSA_KID = "sandbox-dev";
    public static final String EC_KID = "test-ec";

    public static final KeyPair RSA = generate("RSA");
    public static final KeyPair EC = generate("EC");
    public static final KeyPair STRANGER = generate("RSA");

    private TestKeys() {
    }

    /** The JWKS the gateway is configured with: both trusted public keys. */
    public static String trustedJwks() {
        try {
            var rsa = JsonWebKey.Factory.newJwk(RSA.getPublic());
            rsa.setKeyId(RSA_KID);
            var ec = JsonWebKey.Factory.newJwk(EC.getPublic());
            ec.setKeyId(EC_KID);
            return new JsonWebKeySet(rsa, ec).toJson();
        } catch (JoseException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    public static String rsaPrivatePem() {
        return pem("PRIVATE KEY", RSA.getPrivate().getEncoded());
    }

    public static String rsaPublicPem() {
        return pem("PUBLIC KEY", RSA.getPublic().getEncoded());
    }

    /** Valid claims for {@code subject}: right issuer and audience, valid for 5 minutes. */
    public static JwtClaimsBuilder claims(String subject, String scope, String tier) {
        return Jwt.issuer(ISSUER).audience(AUDIENCE).subject(subject).scope(Set.of(scope.split(" ")))
                .claim("tier", tier).issuedAt(Instant.now()).expiresIn(300);
    }

    public static String rs256(JwtClaimsBuilder claims) {
        return claims.jws().keyId(RSA_KID).sign(RSA.getPrivate());
    }

    public static String es256(JwtClaimsBuilder claims) {
        return claims.jws().algorithm(SignatureAlgorithm.ES256).keyId(EC_KID).sign(EC.getPrivate());
    }

    /** A token for {@code subject} with the given scopes (space separated) and tier. */
    public static String token(String subject, String scope, String tier) {
        return rs256(claims(subject, scope, tier));
    }

    private static KeyPair generate(String algorithm) {
        try {
            var generator = KeyPairGenerator.getInstance(algorithm);
            if (algorithm.equals("EC")) {
                generator.initialize(new ECGenParameterSpec("secp256r1"));
            } else {
                generator.initialize(2048);
            }
            return generator.generateKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
