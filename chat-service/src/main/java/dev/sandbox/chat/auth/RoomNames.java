package dev.sandbox.chat.auth;

import java.util.List;
import java.util.regex.Pattern;

import dev.sandbox.common.problem.Problem;
import dev.sandbox.common.problem.ProblemException;

/** Room names: 1 to 64 of {@code [A-Za-z0-9._-]} (safe in Redis keys, RabbitMQ routing keys and URLs). */
public final class RoomNames {

    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    private RoomNames() {
    }

    public static boolean valid(String room) {
        return room != null && VALID.matcher(room).matches();
    }

    public static String require(String room) {
        if (!valid(room)) {
            throw ProblemException.badRequest("A room name is 1 to 64 of A-Z a-z 0-9 . _ -",
                    List.of(new Problem.FieldError("room", "must match [A-Za-z0-9._-]{1,64}")));
        }
        return room;
    }
}
