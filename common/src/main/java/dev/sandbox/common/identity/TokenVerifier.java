package dev.sandbox.common.identity;

import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.PublicJsonWebKey;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwx.JsonWebStructure;
import org.jose4j.lang.JoseException;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;

import dev.sandbox.common.problem.ProblemException;
import io.smallrye.jwt.algorithm.SignatureAlgorithm;
import io.smallrye.jwt.auth.principal.DefaultJWTParser;
import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;
import io.smallrye.jwt.auth.principal.ParseException;
import io.smallrye.jwt.util.KeyUtils;

/**
 * The gateway's bearer tokens, checked by SmallRye JWT: the signature with a trusted key, the
 * algorithm among RS256 and ES256 only (so neither {@code alg: none} nor an HS256 token "signed"
 * with our public key gets through), the issuer, the audience, and exp/nbf/iat within the clock
 * skew. The gateway checks its callers' tokens with it, and the services behind the gateway check
 * the tokens it forwards with the same code.
 *
 * <p>The trusted keys are decoded once, when this is made, and picked per token by its {@code kid}
 * (or the only key, when there is one): SmallRye's own key resolution would decode the configured
 * content again for each token.
 *
 * <p>A client sends the same token with every request, and checking its signature is the largest
 * share of a request's CPU where nothing else is heavy (RSA's big-number arithmetic, slower still in a
 * JVM without the C2 compiler). So a token that passed is remembered, by its exact characters, until it
 * expires (its {@code exp} plus the clock skew, as the check itself allows): an altered token is another
 * key and is checked afresh, and failures are never remembered. A new set of keys is a new verifier,
 * with nothing remembered. Thread-safe; CPU only.
 */
public final class TokenVerifier {

    /** A token's identity, and the instant after which the token no longer passes. */
    public record Verified(Identity identity, Instant expires) {
    }

    private final DefaultJWTParser parser;
    private final Map<String, PublicKey> keysById = new HashMap<>();
    private final PublicKey onlyKey;
    private final Duration clockSkew;
    private final Cache<String, Verified> verified;

    /**
     * {@code keys}: PEM (one key) or a JWKS document; empty: every token is refused.
     * {@code verifiedCacheSize}: how many verified tokens are remembered until they expire (0: none).
     */
    public TokenVerifier(String issuer, String audience, Duration clockSkew, Map<String, PublicKey> keys, int verifiedCacheSize) {
        this.clockSkew = clockSkew;
        this.verified = Caffeine.newBuilder()
                .maximumSize(verifiedCacheSize)
                .expireAfter(Expiry.creating((String token, Verified entry) -> timeLeft(entry.expires())))
                .build();
        var context = new JWTAuthContextInfo();
        context.setSignatureAlgorithm(Set.of(SignatureAlgorithm.RS256, SignatureAlgorithm.ES256));
        context.setIssuedBy(issuer);
        context.setExpectedAudience(Set.of(audience));
        context.setClockSkew((int) clockSkew.toSeconds());
        this.parser = new DefaultJWTParser(context);
        this.onlyKey = keys.size() == 1 ? keys.values().iterator().next() : null;
        keys.forEach((id, key) -> {
            if (!id.isEmpty()) {
                keysById.put(id, key);
            }
        });
    }

    /**
     * The identity the token speaks for: {@code sub}, its {@code scope} claim, and its {@code tier}
     * (default free). Fails with a 401 {@link ProblemException} ({@code invalid-token}) saying why.
     */
    public Verified verify(String token) {
        // A check that throws is not kept: the next request with the token is checked again.
        return verified.get(token, this::check);
    }

    private Verified check(String token) {
        JsonWebToken jwt;
        try {
            jwt = parser.verify(token, keyFor(token));
        } catch (ParseException e) {
            throw AuthProblems.invalidToken(reason(e));
        }
        if (jwt.getSubject() == null || jwt.getSubject().isBlank()) {
            throw AuthProblems.invalidToken("the token has no subject");
        }
        String scope = jwt.getClaim("scope");
        var scopes = scope == null || scope.isBlank() ? Set.<String>of() : new HashSet<>(Arrays.asList(scope.trim().split("\\s+")));
        String tier = jwt.getClaim("tier");
        var identity = new Identity(jwt.getSubject(), tier == null ? "free" : tier, scopes);
        return new Verified(identity, Instant.ofEpochSecond(jwt.getExpirationTime()).plus(clockSkew));
    }

    private static Duration timeLeft(Instant expires) {
        var left = Duration.between(Instant.now(), expires);
        return left.isNegative() ? Duration.ZERO : left;
    }

    /** The trusted key named by the token's (unverified) header; the signature check follows. */
    private PublicKey keyFor(String token) {
        if (keysById.isEmpty() && onlyKey == null) {
            throw AuthProblems.invalidToken("no bearer tokens are accepted here (no verification key configured)");
        }
        String keyId;
        try {
            keyId = JsonWebStructure.fromCompactSerialization(token) instanceof JsonWebSignature jws ? jws.getKeyIdHeaderValue() : null;
        } catch (JoseException e) {
            throw AuthProblems.invalidToken("malformed token");
        }
        var key = keyId != null ? keysById.getOrDefault(keyId, onlyKey) : onlyKey;
        if (key == null) {
            throw AuthProblems.invalidToken("unknown signing key");
        }
        return key;
    }

    /** PEM (one key, no id) or a JWKS (keys by their kid); {@code setting} names the source in errors. */
    public static Map<String, PublicKey> decodeKeys(String content, String setting) {
        var keys = new HashMap<String, PublicKey>();
        try {
            if (content.trim().startsWith("{")) {
                for (var jwk : KeyUtils.loadJsonWebKeys(content)) {
                    if (jwk instanceof PublicJsonWebKey publicJwk) {
                        keys.put(jwk.getKeyId() == null ? "" : jwk.getKeyId(), publicJwk.getPublicKey());
                    }
                }
            } else {
                keys.put("", decodePem(content));
            }
        } catch (RuntimeException | GeneralSecurityException e) {
            throw new IllegalArgumentException("unreadable " + setting + ": " + e.getMessage(), e);
        }
        if (keys.isEmpty()) {
            throw new IllegalArgumentException(setting + " holds no public key");
        }
        return keys;
    }

    /** The keys as a public JWKS document ({@code /.well-known/jwks.json}); a key without id gets {@code defaultKeyId}. */
    public static String jwks(Map<String, PublicKey> keys, String defaultKeyId) {
        try {
            var set = new JsonWebKeySet();
            for (var entry : keys.entrySet()) {
                var jwk = JsonWebKey.Factory.newJwk(entry.getValue());
                jwk.setKeyId(entry.getKey().isEmpty() ? defaultKeyId : entry.getKey());
                jwk.setAlgorithm("RSA".equals(entry.getValue().getAlgorithm()) ? "RS256" : "ES256");
                jwk.setUse("sig");
                set.addJsonWebKey(jwk);
            }
            return set.toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY);
        } catch (JoseException e) {
            throw new IllegalStateException(e);
        }
    }

    private static PublicKey decodePem(String pem) throws GeneralSecurityException {
        try {
            return KeyUtils.decodePublicKey(pem, SignatureAlgorithm.RS256);
        } catch (GeneralSecurityException notRsa) {
            return KeyUtils.decodePublicKey(pem, SignatureAlgorithm.ES256);
        }
    }

    /** SmallRye's root cause says what failed (expired, wrong issuer...) without internals worth hiding. */
    private static String reason(ParseException e) {
        Throwable cause = e;
        while (cause.getCause() != null) {
            cause = cause.getCause();
        }
        var message = cause.getMessage() == null ? "the token could not be verified" : cause.getMessage();
        // jose4j appends the whole claim set to some messages: keep the first sentence.
        var end = message.indexOf(" (JwtClaims");
        return end > 0 ? message.substring(0, end) : message.length() > 200 ? message.substring(0, 200) : message;
    }
}
