package dev.sandbox.chat.auth;

import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import dev.sandbox.common.problem.ProblemException;
import io.quarkus.websockets.next.HttpUpgradeCheck;
import io.quarkus.websockets.next.UserData;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;

/**
 * Refuses the upgrade before any socket exists: 400 for a bad room name, 401 without a valid token,
 * 403 without the {@code chat} scope. The user id rides in the connection's user data. Runs off the
 * event loop: the first token check may fetch the gateway's keys.
 */
@ApplicationScoped
public class ChatUpgradeCheck implements HttpUpgradeCheck {

    public static final UserData.TypedKey<String> USER = UserData.TypedKey.forString("chat.user");

    private final ChatAuth auth;

    public ChatUpgradeCheck(ChatAuth auth) {
        this.auth = auth;
    }

    @Override
    public Uni<CheckResult> perform(HttpUpgradeContext context) {
        var request = context.httpRequest();
        var authorization = request.getHeader("Authorization");
        var token = request.getParam("token");
        var room = context.pathParam("room");
        return Uni.createFrom().item(() -> {
            try {
                var user = auth.user(authorization, token);
                if (!RoomNames.valid(room)) {
                    return CheckResult.rejectUpgradeSync(400);
                }
                context.userData().put(USER, user);
                return CheckResult.permitUpgradeSync();
            } catch (ProblemException e) {
                var status = e.problem().status();
                return status == 401
                        ? CheckResult.rejectUpgradeSync(401, Map.of("WWW-Authenticate", List.of("Bearer")))
                        : CheckResult.rejectUpgradeSync(status);
            }
        }).runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }
}
