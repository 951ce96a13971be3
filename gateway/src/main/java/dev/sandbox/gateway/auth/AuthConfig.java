package dev.sandbox.gateway.auth;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import io.smallrye.config.WithDefault;

/** Who may call: tokens, dev tokens and the demo API key, {@code gateway.auth.*} (a group of the gateway's root mapping). */
public interface AuthConfig {

    Jwt jwt();

    DevTokens devTokens();

    /** A demo API key seeded (hashed) into Redis at start-up, for the sandbox. */
    DemoApiKey demoApiKey();

    interface Jwt {
        @WithDefault("sandbox-gateway")
        String issuer();

        @WithDefault("sandbox-api")
        String audience();

        /** The verification keys: a PEM public key or a JWKS document. Unset: only dev-token keys (if on). */
        Optional<String> publicKey();

        /** Leeway for clocks that disagree on exp, nbf and iat. */
        @WithDefault("30s")
        Duration clockSkew();

        /** How many verified tokens to remember until they expire, so each signature is checked once; 0: none. */
        @WithDefault("10000")
        int verifiedCacheSize();
    }

    interface DevTokens {
        /** {@code POST /auth/token}: off unless asked for (the sandbox profile asks). */
        @WithDefault("false")
        boolean enabled();

        /** PKCS#8 PEM private key that signs dev tokens; unset: a key pair made at start-up. */
        Optional<String> signingKey();

        @WithDefault("1h")
        Duration lifetime();

        /** The demo users who may get a token, with their scopes and tier. */
        Map<String, DemoUser> users();
    }

    interface DemoUser {
        Set<String> scopes();

        @WithDefault("free")
        String tier();
    }

    interface DemoApiKey {
        @WithDefault("false")
        boolean enabled();

        /** The key itself; unset: a random one per start. */
        Optional<String> value();

        @WithDefault("pro")
        String tier();

        @WithDefault("orders,events,chat,rag")
        Set<String> scopes();

        /** A file to write a line about the key to: the sandbox CLI shows it when {@code up} ends. */
        Optional<Path> noteFile();
    }
}
