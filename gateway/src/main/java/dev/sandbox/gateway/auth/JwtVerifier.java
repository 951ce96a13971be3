package dev.sandbox.gateway.auth;

import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jose4j.jwk.PublicJsonWebKey;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwx.JsonWebStructure;
import org.jose4j.lang.JoseException;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;

import io.quarkus.runtime.Startup;
import io.smallrye.jwt.algorithm.SignatureAlgorithm;
import io.smallrye.jwt.auth.principal.DefaultJWTParser;
import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;
import io.smallrye.jwt.auth.principal.ParseException;
import io.smallrye.jwt.util.KeyUtils;

/**
 * Bearer tokens, checked by SmallRye JWT: the signature with a trusted key, the algorithm among
 * RS256 and ES256 only (so neither {@code alg: none} nor an HS256 token "signed" with our public key
 * gets through), the issuer, the audience, and exp/nbf/iat within the clock skew.
 *
 * <p>The trusted keys are decoded once, at start-up, and picked per token by its {@code kid} (or
 * the only key, when there is one): SmallRye's own key resolution would decode the configured
 * content again for each token, on the event loop.
 *
 * <p>A client sends the same token with every request, and checking its signature is the largest
 * share of the gateway's CPU per request. So a token that passed is remembered, by its exact
 * characters, until it expires (its {@code exp} plus the clock skew, as the check itself allows):
 * an altered token is another key and is verified afresh. Failures are never remembered.
 */
@ApplicationScoped
@Startup // a bad key in the configuration stops the start, not the first request
public class JwtVerifier {

    private final DefaultJWTParser parser;
    private final Map<String, PublicKey> keysById = new HashMap<>();
    private final PublicKey onlyKey;
    private final Duration clockSkew;
    private final Cache<String, Verified> verified;

    /** A token's caller, and the instant after which the token no longer passes. */
    private record Verified(Caller caller, Instant expires) {
    }

    public JwtVerifier(AuthConfig config, TokenKeys keys) {
        var jwt = config.jwt();
        this.clockSkew = jwt.clockSkew();
        this.verified = Caffeine.newBuilder()
                .maximumSize(jwt.verifiedCacheSize())
                .expireAfter(Expiry.creating((String token, Verified entry) -> timeLeft(entry.expires())))
                .build();
        var context = new JWTAuthContextInfo();
        context.setSignatureAlgorithm(Set.of(SignatureAlgorithm.RS256, SignatureAlgorithm.ES256));
        context.setIssuedBy(jwt.issuer());
        context.setExpectedAudience(Set.of(jwt.audience()));
        context.setClockSkew((int) jwt.clockSkew().toSeconds());
        this.parser = new DefaultJWTParser(context);
        var all = keys.verificationKeys().map(JwtVerifier::decode).orElse(Map.of());
        this.onlyKey = all.size() == 1 ? all.values().iterator().next() : null;
        all.forEach((id, key) -> {
            if (!id.isEmpty()) {
                keysById.put(id, key);
            }
        });
    }

    /** The caller the token speaks for: {@code sub}, its {@code scope} claim, and its {@code tier} (default free). */
    public Caller verify(String token) {
        // A check that throws is not kept: the next request with the token is checked again.
        return verified.get(token, this::check).caller();
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
        var caller = new Caller(Caller.Kind.USER, jwt.getSubject(), tier == null ? "free" : tier, scopes);
        return new Verified(caller, Instant.ofEpochSecond(jwt.getExpirationTime()).plus(clockSkew));
    }

    /** The trusted key named by the token's (unverified) header; the signature check follows. */
    private PublicKey keyFor(String token) {
        if (keysById.isEmpty() && onlyKey == null) {
            throw AuthProblems.invalidToken("this gateway accepts no bearer tokens (no verification key configured)");
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

    private static Duration timeLeft(Instant expires) {
        var left = Duration.between(Instant.now(), expires);
        return left.isNegative() ? Duration.ZERO : left;
    }

    /** PEM (one key, no id) or a JWKS (keys by their kid). */
    private static Map<String, PublicKey> decode(String content) {
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
            throw new IllegalArgumentException("unreadable gateway.auth.jwt.public-key: " + e.getMessage(), e);
        }
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("gateway.auth.jwt.public-key holds no public key");
        }
        return keys;
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
