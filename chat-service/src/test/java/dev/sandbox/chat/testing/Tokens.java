package dev.sandbox.chat.testing;

import dev.sandbox.infra.testing.GatewayTokens;

/** Tokens for the tests' users, signed as the gateway signs them, with the {@code chat} scope. */
public final class Tokens {

    private Tokens() {
    }

    public static String token(String user) {
        return GatewayTokens.token(user, "chat");
    }
}
