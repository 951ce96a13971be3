package dev.sandbox.chat.testing;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Tokens for the tests' users. */
public final class Tokens {

    private Tokens() {
    }

    public static String token(String user) {
        var encoder = Base64.getUrlEncoder().withoutPadding();
        var header = encoder.encodeToString("{\"alg\":\"none\"}".getBytes(StandardCharsets.UTF_8));
        var payload = encoder.encodeToString(("{\"sub\":\"" + user + "\",\"scope\":\"chat\"}").getBytes(StandardCharsets.UTF_8));
        return header + "." + payload + ".x";
    }
}
