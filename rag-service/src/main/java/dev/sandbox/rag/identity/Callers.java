package dev.sandbox.rag.identity;

import jakarta.enterprise.context.ApplicationScoped;

import dev.sandbox.common.identity.GatewayIdentity;
import dev.sandbox.common.identity.Identity;

/**
 * Who calls rag-service: the gateway's identity (its token, or the token it mints for an API-key
 * caller), holding the {@code rag} scope. 401 without a valid token, 403 without the scope.
 */
@ApplicationScoped
public class Callers {

    public static final String SCOPE = "rag";

    private final GatewayIdentity identity;

    Callers(GatewayIdentity identity) {
        this.identity = identity;
    }

    public Identity require(String authorization) {
        return identity.require(identity.authenticate(authorization, null), SCOPE);
    }
}
