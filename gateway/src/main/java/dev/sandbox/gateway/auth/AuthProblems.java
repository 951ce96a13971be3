package dev.sandbox.gateway.auth;

import java.util.List;
import java.util.Map;

import dev.sandbox.common.problem.ProblemException;

/**
 * 401 means "who are you?" (no credentials, or ones that do not check out), 403 "I know you, and
 * no". Each 401 carries the {@code WWW-Authenticate} challenge of RFC 6750 so clients know what to
 * send; the 403 for a missing scope names the scope.
 */
final class AuthProblems {

    private static final String REALM = "realm=\"sandbox\"";

    private AuthProblems() {
    }

    static ProblemException missingCredentials() {
        return new ProblemException(401, "unauthenticated", "Authentication required",
                "Send Authorization: Bearer <token> or X-API-Key: <key>.", List.of(),
                Map.of("WWW-Authenticate", "Bearer " + REALM + ", ApiKey " + REALM));
    }

    static ProblemException invalidToken(String why) {
        return new ProblemException(401, "invalid-token", "Invalid bearer token", why, List.of(),
                Map.of("WWW-Authenticate", "Bearer " + REALM + ", error=\"invalid_token\", error_description=\""
                        + why.replace("\"", "'") + "\""));
    }

    static ProblemException invalidApiKey() {
        return new ProblemException(401, "invalid-api-key", "Invalid API key", "The API key is unknown or revoked.",
                List.of(), Map.of("WWW-Authenticate", "ApiKey " + REALM));
    }

    static ProblemException insufficientScope(String scope) {
        return new ProblemException(403, "insufficient-scope", "Insufficient scope",
                "This route needs the scope '" + scope + "'.", List.of(),
                Map.of("WWW-Authenticate", "Bearer " + REALM + ", error=\"insufficient_scope\", scope=\"" + scope + "\""));
    }
}
