package dev.sandbox.common.identity;

import java.util.List;
import java.util.Map;

import dev.sandbox.common.problem.ProblemException;

/**
 * 401 means "who are you?" (no credentials, or ones that do not check out), 403 "I know you, and
 * no". Each 401 carries the {@code WWW-Authenticate} challenge of RFC 6750 so clients know what to
 * send; the 403 for a missing scope names the scope. The gateway and the services behind it answer
 * with the same types.
 */
public final class AuthProblems {

    private static final String REALM = "realm=\"sandbox\"";

    private AuthProblems() {
    }

    /** No credentials at all; {@code howTo} says what to send, {@code challenges} the schemes accepted. */
    public static ProblemException missingCredentials(String howTo, String challenges) {
        return new ProblemException(401, "unauthenticated", "Authentication required", howTo, List.of(),
                Map.of("WWW-Authenticate", challenges));
    }

    public static ProblemException missingBearerToken() {
        return missingCredentials("Send Authorization: Bearer <token> (a token of the gateway's).", "Bearer " + REALM);
    }

    public static ProblemException invalidToken(String why) {
        return new ProblemException(401, "invalid-token", "Invalid bearer token", why, List.of(),
                Map.of("WWW-Authenticate", "Bearer " + REALM + ", error=\"invalid_token\", error_description=\""
                        + why.replace("\"", "'") + "\""));
    }

    public static ProblemException insufficientScope(String scope) {
        return new ProblemException(403, "insufficient-scope", "Insufficient scope",
                "This route needs the scope '" + scope + "'.", List.of(),
                Map.of("WWW-Authenticate", "Bearer " + REALM + ", error=\"insufficient_scope\", scope=\"" + scope + "\""));
    }

    /** The keys to check tokens with could not be had (the gateway's JWKS did not answer): not the caller's fault. */
    public static ProblemException keysUnavailable(String why) {
        return new ProblemException(503, "identity-unavailable", "Identity keys unavailable", why, List.of(),
                Map.of("Retry-After", "1"));
    }

    /** The realm every challenge names. */
    public static String realm() {
        return REALM;
    }
}
