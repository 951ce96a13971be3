package dev.sandbox.common.identity;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * How a service behind the gateway checks who is calling: the gateway's tokens, verified with its
 * public keys, given here ({@code public-key}) or fetched from the gateway ({@code jwks-url}).
 */
@ConfigMapping(prefix = "sandbox.identity")
public interface IdentityConfig {

    @WithDefault("sandbox-gateway")
    String issuer();

    @WithDefault("sandbox-api")
    String audience();

    @WithDefault("30s")
    Duration clockSkew();

    /** The gateway's verification keys, PEM or JWKS (SANDBOX_IDENTITY_PUBLIC_KEY); wins over {@link #jwksUrl()}. */
    Optional<String> publicKey();

    /** Where the gateway publishes its keys, e.g. {@code http://gateway:8080/.well-known/jwks.json}. */
    Optional<URI> jwksUrl();

    /** The least time between two fetches of the JWKS when a token names a key not yet known. */
    @WithDefault("30s")
    Duration jwksRefreshInterval();

    /** How many verified tokens to remember until they expire, so each signature is checked once; 0: none. */
    @WithDefault("10000")
    int verifiedCacheSize();
}
