package dev.sandbox.gateway.auth;

import java.util.List;
import java.util.Map;

import dev.sandbox.common.identity.AuthProblems;
import dev.sandbox.common.problem.ProblemException;

/**
 * The gateway's own 401s, beside the ones it shares with the services ({@link AuthProblems}):
 * the gateway also takes API keys, so its challenges name both schemes.
 */
final class GatewayAuthProblems {

    private GatewayAuthProblems() {
    }

    static ProblemException missingCredentials() {
        return AuthProblems.missingCredentials("Send Authorization: Bearer <token> or X-API-Key: <key>.",
                "Bearer " + AuthProblems.realm() + ", ApiKey " + AuthProblems.realm());
    }

    static ProblemException invalidApiKey() {
        return new ProblemException(401, "invalid-api-key", "Invalid API key", "The API key is unknown or revoked.",
                List.of(), Map.of("WWW-Authenticate", "ApiKey " + AuthProblems.realm()));
    }
}
