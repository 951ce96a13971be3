package dev.sandbox.gateway.auth;

import java.time.Duration;
import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;

import dev.sandbox.common.identity.TokenVerifier;
import dev.sandbox.gateway.GatewayConfig;
import io.quarkus.runtime.Startup;

/**
 * Bearer tokens, checked by common's {@link TokenVerifier} (SmallRye JWT: signature, algorithm
 * among RS256 and ES256 only, issuer, audience, exp/nbf/iat within the clock skew): the same check
 * the services behind the gateway make of the tokens it forwards.
 *
 * <p>A client sends the same token with every request, and checking its signature is the largest
 * share of the gateway's CPU per request. So a token that passed is remembered, by its exact
 * characters, until it expires (its {@code exp} plus the clock skew, as the check itself allows):
 * an altered token is another key and is verified afresh. Failures are never remembered.
 */
@ApplicationScoped
@Startup // a bad key in the configuration stops the start, not the first request
public class JwtVerifier {

    private final TokenVerifier verifier;
    private final Cache<String, TokenVerifier.Verified> verified;

    public JwtVerifier(GatewayConfig config, TokenKeys keys) {
        var jwt = config.auth().jwt();
        this.verified = Caffeine.newBuilder()
                .maximumSize(jwt.verifiedCacheSize())
                .expireAfter(Expiry.creating((String token, TokenVerifier.Verified entry) -> timeLeft(entry.expires())))
                .build();
        this.verifier = new TokenVerifier(jwt.issuer(), jwt.audience(), jwt.clockSkew(), keys.trusted());
    }

    /** The caller the token speaks for: {@code sub}, its {@code scope} claim, and its {@code tier} (default free). */
    public Caller verify(String token) {
        // A check that throws is not kept: the next request with the token is checked again.
        var identity = verified.get(token, verifier::verify).identity();
        return new Caller(Caller.Kind.USER, identity.subject(), identity.tier(), identity.scopes());
    }

    private static Duration timeLeft(Instant expires) {
        var left = Duration.between(Instant.now(), expires);
        return left.isNegative() ? Duration.ZERO : left;
    }
}
