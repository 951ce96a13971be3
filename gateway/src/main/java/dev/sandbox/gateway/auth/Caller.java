package dev.sandbox.gateway.auth;

import java.util.Set;

/**
 * Who is calling, once authenticated: the subject its limits are counted under, its tier (which
 * limits), and the scopes it holds (which routes).
 */
public record Caller(Kind kind, String subject, String tier, Set<String> scopes) {

    public enum Kind {
        USER, API_KEY, ANONYMOUS
    }

    public static final String ANONYMOUS_TIER = "anonymous";

    public Caller {
        scopes = Set.copyOf(scopes);
    }

    public static Caller anonymous(String clientIp) {
        return new Caller(Kind.ANONYMOUS, clientIp, ANONYMOUS_TIER, Set.of());
    }

    /** The rate-limit key of this caller: {@code user:alice}, {@code key:demo}, {@code ip:10.0.0.7}. */
    public String limitKey() {
        return switch (kind) {
            case USER -> "user:" + subject;
            case API_KEY -> "key:" + subject;
            case ANONYMOUS -> "ip:" + subject;
        };
    }
}
