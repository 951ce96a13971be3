package dev.sandbox.gateway.auth;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.RSAPublicKeySpec;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.lang.JoseException;

import io.smallrye.jwt.util.KeyUtils;

/**
 * The keys of the gateway's tokens. Verification keys come from configuration (a PEM public key or
 * a JWKS, from the environment: never from the repository). With dev tokens on, the gateway also
 * signs: with a configured private key (every instance of a cluster must share it), or with a key
 * pair it makes at start-up, good for one process and gone with it.
 */
@ApplicationScoped
public class TokenKeys {

    static final String DEV_KEY_ID = "sandbox-dev";
    private static final Logger LOG = Logger.getLogger(TokenKeys.class);

    private final Optional<PrivateKey> signingKey;
    private final Optional<String> verificationKeys;

    public TokenKeys(AuthConfig config) {
        var devTokens = config.devTokens();
        var signing = devTokens.enabled() ? Optional.of(signingPair(devTokens.signingKey())) : Optional.<KeyPair>empty();
        this.signingKey = signing.map(KeyPair::getPrivate);
        this.verificationKeys = config.jwt().publicKey().or(() -> signing.map(pair -> jwks(pair.getPublic())));
        if (verificationKeys.isEmpty()) {
            LOG.warn("no JWT verification key configured (gateway.auth.jwt.public-key): bearer tokens are refused, API keys only");
        }
    }

    /** The private key of dev tokens, when they are on. */
    public Optional<PrivateKey> signingKey() {
        return signingKey;
    }

    /** PEM or JWKS content the verifier trusts, if any. */
    public Optional<String> verificationKeys() {
        return verificationKeys;
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

    private static String jwks(PublicKey publicKey) {
        try {
            var jwk = JsonWebKey.Factory.newJwk(publicKey);
            jwk.setKeyId(DEV_KEY_ID);
            jwk.setAlgorithm("RS256");
            jwk.setUse("sig");
            return new JsonWebKeySet(jwk).toJson();
        } catch (JoseException e) {
            throw new IllegalStateException(e);
        }
    }
}
