package dev.sandbox.common.identity;

import java.util.Set;

/**
 * A caller the gateway vouches for: the subject its limits and data are kept under ({@code alice}
 * for a user, {@code key:demo} for an API-key caller), its tier, and the scopes it holds.
 */
public record Identity(String subject, String tier, Set<String> scopes) {

    public Identity {
        scopes = Set.copyOf(scopes);
    }

    public boolean hasScope(String scope) {
        return scopes.contains(scope);
    }
}
