package dev.sandbox.chat.auth;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.sandbox.common.problem.ProblemException;

/**
 * Who is calling: the gateway's JWT, from a bearer header or a {@code token} query parameter
 * (browsers cannot set headers on a WebSocket). Returns the user id; throws a 401 problem when the
 * credential is missing or invalid and a 403 when it lacks the {@code chat} scope.
 */
@ApplicationScoped
public class ChatAuth {

    private final ObjectMapper json;

    public ChatAuth(ObjectMapper json) {
        this.json = json;
    }

    public String user(String authorization, String token) {
        var raw = token != null && !token.isBlank() ? token
                : authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7) ? authorization.substring(7).trim() : null;
        if (raw == null) {
            throw new ProblemException(401, "missing-credentials", "Missing credentials", "Send the gateway's token as ?token= or Authorization: Bearer");
        }
        try {
            var parts = raw.split("\\.");
            var claims = json.readTree(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
            var subject = claims.path("sub").asText(null);
            if (subject == null) {
                throw new IllegalArgumentException("no sub");
            }
            return subject;
        } catch (Exception e) {
            throw new ProblemException(401, "invalid-token", "Invalid token", "The token is not a valid gateway token");
        }
    }
}
