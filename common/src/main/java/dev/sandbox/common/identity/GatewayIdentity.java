package dev.sandbox.common.identity;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.PublicKey;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.sandbox.common.problem.ProblemException;

/**
 * Who is calling a service behind the gateway. The gateway authenticates every caller at the edge
 * (tokens, API keys) and forwards one kind of credential: a bearer token of its own signing (the
 * caller's token as sent, or for an API-key caller a short-lived token it mints). A service checks
 * that token here, with the gateway's public keys, so a request that did not come through the
 * gateway (or forged its headers) is a 401, never trusted.
 *
 * <p>Keys come from {@code sandbox.identity.public-key}, or are fetched from
 * {@code sandbox.identity.jwks-url} on first use (or before it, at start: {@link #fetchKeys()}) and
 * again, at most once per refresh interval, when a token fails with the keys held (the gateway may have restarted with a new key). While the JWKS
 * cannot be fetched, callers get a 503 {@code identity-unavailable}: their tokens may be fine.
 * Verification itself is CPU only; a fetch blocks, so call this off the event loop.
 */
@ApplicationScoped
public class GatewayIdentity {

    private static final Logger LOG = Logger.getLogger(GatewayIdentity.class);

    private final IdentityConfig config;
    private final AtomicReference<Keys> keys = new AtomicReference<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /** The verifier of one set of keys, and when they were fetched (0: configured, never refetched). */
    private record Keys(TokenVerifier verifier, long fetchedAtNanos) {
    }

    public GatewayIdentity(IdentityConfig config) {
        this.config = config;
        config.publicKey().ifPresent(pem -> keys.set(new Keys(verifier(TokenVerifier.decodeKeys(pem, "sandbox.identity.public-key")), 0)));
    }

    /**
     * The caller of a request: from {@code authorization} ({@code Bearer <token>}) or, for clients
     * that cannot set headers (a browser's WebSocket), a raw {@code token}. Either may be null.
     *
     * @throws ProblemException 401 {@code unauthenticated} or {@code invalid-token}; 503 {@code identity-unavailable}
     */
    public Identity authenticate(String authorization, String token) {
        String raw;
        if (authorization != null && !authorization.isBlank()) {
            if (!authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
                throw AuthProblems.invalidToken("the Authorization scheme must be Bearer");
            }
            raw = authorization.substring(7).trim();
        } else if (token != null && !token.isBlank()) {
            raw = token.trim();
        } else {
            throw AuthProblems.missingBearerToken();
        }
        var held = currentKeys();
        try {
            return held.verifier().verify(raw).identity();
        } catch (ProblemException refused) {
            var fresher = refreshedAfter(held);
            if (fresher == held) {
                throw refused;
            }
            return fresher.verifier().verify(raw).identity();
        }
    }

    /**
     * Fetches the gateway's keys now if none are held yet, so that a service can have them before
     * its first request: called at start, and again after a pause while it returns false. Returns
     * false only when a fetch was needed and failed; true when keys are held, or there is no JWKS
     * URL to fetch from.
     */
    public boolean fetchKeys() {
        if (keys.get() != null || config.jwksUrl().isEmpty()) {
            return true;
        }
        try {
            refreshedAfter(null);
            return true;
        } catch (ProblemException unavailable) {
            return false;
        }
    }

    /** {@code identity}, if it holds {@code scope}; else a 403 {@code insufficient-scope}. */
    public Identity require(Identity identity, String scope) {
        if (!identity.hasScope(scope)) {
            throw AuthProblems.insufficientScope(scope);
        }
        return identity;
    }

    private Keys currentKeys() {
        var held = keys.get();
        if (held != null) {
            return held;
        }
        if (config.jwksUrl().isEmpty()) {
            throw AuthProblems.invalidToken("no bearer tokens are accepted here (set sandbox.identity.public-key or sandbox.identity.jwks-url)");
        }
        return refreshedAfter(null);
    }

    /** Fetches the JWKS again unless keys newer than {@code stale} are held or the last fetch is too recent. */
    private synchronized Keys refreshedAfter(Keys stale) {
        var held = keys.get();
        if (held != stale) {
            return held;
        }
        if (held != null && (held.fetchedAtNanos() == 0
                || System.nanoTime() - held.fetchedAtNanos() < config.jwksRefreshInterval().toNanos())) {
            return held;
        }
        var url = config.jwksUrl().orElseThrow();
        try {
            var response = http.send(HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(2)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                LOG.warnf("the gateway's keys at %s answered %d", url, response.statusCode());
                return unavailable(held, "the gateway's keys answered " + response.statusCode());
            }
            var fresh = new Keys(verifier(TokenVerifier.decodeKeys(response.body(), url.toString())), System.nanoTime());
            keys.set(fresh);
            LOG.infof("gateway keys fetched from %s", url);
            return fresh;
        } catch (IOException | IllegalArgumentException e) {
            LOG.warnf("cannot fetch the gateway's keys from %s: %s", url, e.toString());
            return unavailable(held, "the gateway's keys cannot be fetched just now");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return unavailable(held, "interrupted while fetching the gateway's keys");
        }
    }

    /** With no keys at all, a 503; with keys held, they stay (and the next try waits its interval). */
    private Keys unavailable(Keys held, String why) {
        if (held == null) {
            throw AuthProblems.keysUnavailable(why);
        }
        var kept = new Keys(held.verifier(), System.nanoTime());
        keys.set(kept);
        return kept;
    }

    private TokenVerifier verifier(Map<String, PublicKey> trusted) {
        return new TokenVerifier(config.issuer(), config.audience(), config.clockSkew(), trusted, config.verifiedCacheSize());
    }
}
