package dev.sandbox.chat.auth;

import jakarta.enterprise.context.ApplicationScoped;

import dev.sandbox.common.identity.GatewayIdentity;

/**
 * Who is calling: the gateway's token, from a bearer header or a {@code token} query parameter
 * (browsers cannot set headers on a WebSocket), checked with the gateway's keys. Returns the user
 * id (the token's subject); throws a 401 problem when the credential is missing or invalid and a
 * 403 when it lacks the {@code chat} scope. May block on the first fetch of the gateway's keys.
 */
@ApplicationScoped
public class ChatAuth {

    public static final String SCOPE = "chat";

    private final GatewayIdentity identity;

    public ChatAuth(GatewayIdentity identity) {
        this.identity = identity;
    }

    public String user(String authorization, String token) {
        return identity.require(identity.authenticate(authorization, token), SCOPE).subject();
    }
}
