package dev.sandbox.gateway.auth;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import io.smallrye.jwt.build.Jwt;

import dev.sandbox.gateway.GatewayConfig;

/**
 * The credential the services behind the gateway see: always a bearer token of the gateway's, so
 * that they check one kind (common's {@code GatewayIdentity}). A token caller's own token goes on
 * as sent. An API key never leaves the edge: in its place the gateway forwards a short-lived token
 * it signs itself for that key (the phantom-token pattern), {@code sub=key:<name>}, with the key's
 * tier and scopes.
 *
 * <p>Signing costs about a millisecond of CPU, so one token per key is made and reused for half its
 * lifetime. A gateway without a signing key (dev tokens off, none configured) forwards no token for
 * API-key callers, and the services refuse them: say so in the deployment's key setup.
 */
@ApplicationScoped
public class UpstreamTokens {

    static final Duration LIFETIME = Duration.ofMinutes(5);

    private final AuthConfig config;
    private final TokenKeys keys;
    private final Cache<Caller, String> minted = Caffeine.newBuilder()
            .maximumSize(10_000)
            .expireAfterWrite(LIFETIME.dividedBy(2))
            .build();

    public UpstreamTokens(GatewayConfig config, TokenKeys keys) {
        this.config = config.auth();
        this.keys = keys;
    }

    /** The {@code Authorization} value to send upstream in place of the client's, or null to send the client's as is. */
    public String authorization(Caller caller) {
        if (caller.kind() != Caller.Kind.API_KEY || keys.signingKey().isEmpty()) {
            return null;
        }
        return "Bearer " + minted.get(caller, this::sign);
    }

    private String sign(Caller caller) {
        return Jwt.issuer(config.jwt().issuer())
                .audience(config.jwt().audience())
                .subject(caller.limitKey())
                .scope(caller.scopes())
                .claim("tier", caller.tier())
                .expiresIn(LIFETIME)
                .jws().keyId(TokenKeys.DEV_KEY_ID)
                .sign(keys.signingKey().orElseThrow());
    }
}
