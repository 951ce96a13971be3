package dev.sandbox.gateway.auth;

import jakarta.enterprise.context.ApplicationScoped;

import dev.sandbox.common.identity.AuthProblems;
import dev.sandbox.common.problem.ProblemException;
import dev.sandbox.gateway.routing.Route;
import io.smallrye.mutiny.Uni;

/**
 * Who is calling, and may they use this route. Credentials: {@code Authorization: Bearer <jwt>}
 * or {@code X-API-Key: <key>}; none at all is fine only on anonymous routes.
 */
@ApplicationScoped
public class Authenticator {

    public static final String API_KEY_HEADER = "X-API-Key";

    private final JwtVerifier jwt;
    private final ApiKeyStore apiKeys;

    public Authenticator(JwtVerifier jwt, ApiKeyStore apiKeys) {
        this.jwt = jwt;
        this.apiKeys = apiKeys;
    }

    /** The caller, authorized for {@code route}; fails with a 401 or 403 {@link ProblemException}. */
    public Uni<Caller> authorize(Route route, String authorization, String apiKey, String clientIp) {
        return authenticate(route, authorization, apiKey, clientIp).invoke(caller -> requireScopes(route, caller));
    }

    private Uni<Caller> authenticate(Route route, String authorization, String apiKey, String clientIp) {
        if (authorization != null) {
            if (!authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
                return Uni.createFrom().failure(AuthProblems.invalidToken("the Authorization scheme must be Bearer"));
            }
            // Verification is CPU only (the keys are in memory): fine on the event loop.
            return Uni.createFrom().item(() -> jwt.verify(authorization.substring(7).trim()));
        }
        if (apiKey != null) {
            return apiKeys.find(apiKey).map(found -> found.orElseThrow(GatewayAuthProblems::invalidApiKey));
        }
        if (route.anonymous()) {
            return Uni.createFrom().item(Caller.anonymous(clientIp));
        }
        return Uni.createFrom().failure(GatewayAuthProblems.missingCredentials());
    }

    private static void requireScopes(Route route, Caller caller) {
        if (caller.kind() == Caller.Kind.ANONYMOUS || caller.scopes().containsAll(route.scopes())) {
            return;
        }
        // The first missing scope in name order, so the answer is the same every time.
        route.scopes().stream().sorted().filter(scope -> !caller.scopes().contains(scope)).findFirst()
                .ifPresent(missing -> {
                    throw AuthProblems.insufficientScope(missing);
                });
    }
}
