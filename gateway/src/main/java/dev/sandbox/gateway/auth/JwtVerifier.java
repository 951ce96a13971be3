package dev.sandbox.gateway.auth;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.jwt.JsonWebToken;

import io.smallrye.jwt.algorithm.SignatureAlgorithm;
import io.smallrye.jwt.auth.principal.DefaultJWTParser;
import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;
import io.smallrye.jwt.auth.principal.ParseException;

/**
 * Bearer tokens, checked by SmallRye JWT: the signature with a trusted key, the algorithm among
 * RS256 and ES256 only (so neither {@code alg: none} nor an HS256 token "signed" with our public key
 * gets through), the issuer, the audience, and exp/nbf/iat within the clock skew.
 */
@ApplicationScoped
public class JwtVerifier {

    private final Optional<DefaultJWTParser> parser;

    public JwtVerifier(AuthConfig config, TokenKeys keys) {
        this.parser = keys.verificationKeys().map(content -> {
            var jwt = config.jwt();
            var context = new JWTAuthContextInfo();
            context.setPublicKeyContent(content);
            context.setSignatureAlgorithm(Set.of(SignatureAlgorithm.RS256, SignatureAlgorithm.ES256));
            context.setIssuedBy(jwt.issuer());
            context.setExpectedAudience(Set.of(jwt.audience()));
            context.setClockSkew((int) jwt.clockSkew().toSeconds());
            return new DefaultJWTParser(context);
        });
    }

    /** The caller the token speaks for: {@code sub}, its {@code scope} claim, and its {@code tier} (default free). */
    public Caller verify(String token) {
        if (parser.isEmpty()) {
            throw AuthProblems.invalidToken("this gateway accepts no bearer tokens (no verification key configured)");
        }
        JsonWebToken jwt;
        try {
            jwt = parser.get().parse(token);
        } catch (ParseException e) {
            throw AuthProblems.invalidToken(reason(e));
        }
        if (jwt.getSubject() == null || jwt.getSubject().isBlank()) {
            throw AuthProblems.invalidToken("the token has no subject");
        }
        String scope = jwt.getClaim("scope");
        var scopes = scope == null ? Set.<String>of() : new HashSet<>(Arrays.asList(scope.trim().split("\\s+")));
        String tier = jwt.getClaim("tier");
        return new Caller(Caller.Kind.USER, jwt.getSubject(), tier == null ? "free" : tier, scopes);
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
