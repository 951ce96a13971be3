package dev.sandbox.gateway.auth;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;

/**
 * {@code GET /.well-known/jwks.json}: the public keys the gateway's tokens are verified with
 * (RFC 7517), so the services behind it check forwarded tokens without a copy of the key.
 */
@Path("/.well-known/jwks.json")
public class JwksResource {

    private final String jwks;

    public JwksResource(TokenKeys keys) {
        this.jwks = keys.jwks();
    }

    @GET
    @Produces("application/jwk-set+json")
    public String keys() {
        return jwks;
    }
}
