package dev.sandbox.common.http;

import java.util.List;

/**
 * The paths this instance does not serve in its role (a processor-only instance, a sink-only one):
 * a service produces one ({@code @Produces}) and {@link RoleGate} answers them 404
 * {@code not-an-api-instance}, with {@code detail} telling where to go instead. Health, metrics and
 * the other endpoints are served whatever the role.
 */
public record UnservedPaths(List<String> prefixes, String detail) {

    public UnservedPaths {
        prefixes = List.copyOf(prefixes);
    }

    /** Every path is served. */
    public static UnservedPaths none() {
        return new UnservedPaths(List.of(), "");
    }

    boolean refuses(String path) {
        return prefixes.stream().anyMatch(path::startsWith);
    }
}
