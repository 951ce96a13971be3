package dev.sandbox.gateway.auth;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.RSAPublicKeySpec;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.sandbox.common.identity.TokenVerifier;
import dev.sandbox.gateway.GatewayConfig;
import io.smallrye.jwt.util.KeyUtils;

/**
 * The keys of the gateway's tokens. Verification keys come from configuration (a PEM public key or
 * a JWKS, from the environment: never from the repository). With dev tokens on, the gateway also
 * signs: with a configured private key (every instance of a cluster must share it), or with a key
 * pair it makes at start-up, good for one process and gone with it. The public half of what it
 * trusts is published as a JWKS ({@code /.well-known/jwks.json}) for the services behind it.
 */
@ApplicationScoped
public class TokenKeys {

    static final String DEV_KEY_ID = "sandbox-dev";
    private static final Logger LOG = Logger.getLogger(TokenKeys.class);

    private final Optional<PrivateKey> signingKey;
    private final Map<String, PublicKey> trusted;

    public TokenKeys(GatewayConfig gateway) {
        var config = gateway.auth();
        var devTokens = config.devTokens();
        var signing = devTokens.enabled() ? Optional.of(signingPair(devTokens.signingKey())) : Optional.<KeyPair>empty();
        this.signingKey = signing.map(KeyPair::getPrivate);
        this.trusted = config.jwt().publicKey().map(content -> TokenVerifier.decodeKeys(content, "gateway.auth.jwt.public-key"))
                .or(() -> signing.map(pair -> Map.of(DEV_KEY_ID, pair.getPublic())))
                .orElse(Map.of());
        if (trusted.isEmpty()) {
            LOG.warn("no JWT verification key configured (gateway.auth.jwt.public-key): bearer tokens are refused, API keys only");
        }
    }

    /** The private key of dev tokens, when they are on. */
    public Optional<PrivateKey> signingKey() {
        return signingKey;
    }

    /** The public keys tokens are verified with, by key id ("" for a PEM key without one). */
    public Map<String, PublicKey> trusted() {
        return trusted;
    }

    /** The trusted keys as a public JWKS document. */
    public String jwks() {
        return TokenVerifier.jwks(trusted, DEV_KEY_ID);
    }

    private static KeyPair signingPair(Optional<String> pem) {
        try {
            if (pem.isEmpty()) {
                LOG.info("dev tokens on with a key pair made at start-up (set gateway.auth.dev-tokens.signing-key to share one)");
                return KeyUtils.generateKeyPair(2048);
            }
            var privateKey = KeyUtils.decodePrivateKey(pem.get());
            if (!(privateKey instanceof RSAPrivateCrtKey rsa)) {
                throw new IllegalArgumentException("gateway.auth.dev-tokens.signing-key must be an RSA private key (PKCS#8 PEM)");
            }
            var publicKey = KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(rsa.getModulus(), rsa.getPublicExponent()));
            return new KeyPair(publicKey, privateKey);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("unreadable gateway.auth.dev-tokens.signing-key: " + e.getMessage(), e);
        }
    }
}
