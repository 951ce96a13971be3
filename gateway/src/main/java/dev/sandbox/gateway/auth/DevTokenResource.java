package dev.sandbox.gateway.auth;

import java.util.List;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import dev.sandbox.common.problem.Problem;
import dev.sandbox.common.problem.ProblemException;
import dev.sandbox.gateway.GatewayConfig;
import io.smallrye.jwt.build.Jwt;

/**
 * {@code POST /auth/token}: a signed token for one of the sandbox's demo users, so that curl and
 * k6 can call the API. There is no password: this is a development convenience, off unless
 * {@code gateway.auth.dev-tokens.enabled=true} (the sandbox profile turns it on).
 */
@Path("/auth/token")
public class DevTokenResource {

    public record TokenRequest(@NotBlank String username) {
    }

    public record TokenResponse(String access_token, String token_type, long expires_in) {
    }

    private final AuthConfig config;
    private final TokenKeys keys;

    public DevTokenResource(GatewayConfig config, TokenKeys keys) {
        this.config = config.auth();
        this.keys = keys;
    }

    @POST
    @Produces(MediaType.APPLICATION_JSON)
    public TokenResponse issue(@Valid @NotNull TokenRequest request) {
        var devTokens = config.devTokens();
        var signingKey = keys.signingKey();
        if (!devTokens.enabled() || signingKey.isEmpty()) {
            throw new ProblemException(404, "not-found", "Not Found", "Dev tokens are off on this gateway.");
        }
        var user = devTokens.users().get(request.username());
        if (user == null) {
            throw ProblemException.badRequest("unknown demo user; known: " + devTokens.users().keySet().stream().sorted().toList(),
                    List.of(new Problem.FieldError("username", "not a demo user")));
        }
        var lifetime = devTokens.lifetime();
        var token = Jwt.issuer(config.jwt().issuer())
                .audience(config.jwt().audience())
                .subject(request.username())
                .scope(user.scopes())
                .claim("tier", user.tier())
                .expiresIn(lifetime)
                .jws().keyId(TokenKeys.DEV_KEY_ID)
                .sign(signingKey.get());
        return new TokenResponse(token, "Bearer", lifetime.toSeconds());
    }
}
