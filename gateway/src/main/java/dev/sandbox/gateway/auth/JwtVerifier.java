package dev.sandbox.gateway.auth;

import jakarta.enterprise.context.ApplicationScoped;

import dev.sandbox.common.identity.TokenVerifier;
import dev.sandbox.gateway.GatewayConfig;
import io.quarkus.runtime.Startup;

/**
 * Bearer tokens, checked by common's {@link TokenVerifier} (SmallRye JWT: signature, algorithm
 * among RS256 and ES256 only, issuer, audience, exp/nbf/iat within the clock skew): the same check,
 * and the same memory of tokens already verified, as the services behind the gateway apply to the
 * tokens it forwards.
 */
@ApplicationScoped
@Startup // a bad key in the configuration stops the start, not the first request
public class JwtVerifier {

    private final TokenVerifier verifier;

    public JwtVerifier(GatewayConfig config, TokenKeys keys) {
        var jwt = config.auth().jwt();
        this.verifier = new TokenVerifier(jwt.issuer(), jwt.audience(), jwt.clockSkew(), keys.trusted(), jwt.verifiedCacheSize());
    }

    /** The caller the token speaks for: {@code sub}, its {@code scope} claim, and its {@code tier} (default free). */
    public Caller verify(String token) {
        var identity = verifier.verify(token).identity();
        return new Caller(Caller.Kind.USER, identity.subject(), identity.tier(), identity.scopes());
    }
}
