package dev.sandbox.rag.identity;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

import dev.sandbox.common.identity.GatewayIdentity;
import dev.sandbox.common.identity.Identity;
import dev.sandbox.common.work.Backoff;

/**
 * Who calls rag-service: the gateway's identity (its token, or the token it mints for an API-key
 * caller), holding the {@code rag} scope. 401 without a valid token, 403 without the scope.
 *
 * <p>The gateway's keys are fetched at start, in the background, and again with a growing pause
 * until they come (the gateway may start after this service, or answer late): the first request
 * finds them held instead of waiting for a fetch, or getting a 503 {@code identity-unavailable}
 * when that fetch fails. After that, keys are fetched again as {@link GatewayIdentity} does: when a
 * token names a key not held.
 */
@ApplicationScoped
public class Callers {

    public static final String SCOPE = "rag";
    private static final Logger LOG = Logger.getLogger(Callers.class);
    private static final Backoff PAUSES = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(5));

    private final GatewayIdentity identity;
    private volatile boolean stopping;

    Callers(GatewayIdentity identity) {
        this.identity = identity;
    }

    public Identity require(String authorization) {
        return identity.require(identity.authenticate(authorization, null), SCOPE);
    }

    void start(@Observes StartupEvent event) {
        Thread.ofPlatform().name("rag-identity-keys").daemon().start(this::fetchKeys);
    }

    void stop(@Observes ShutdownEvent event) {
        stopping = true;
    }

    /** Until the keys are held: 100 ms between the first tries, doubling up to 5 s. */
    void fetchKeys() {
        for (var tries = 1; !stopping && !identity.fetchKeys(); tries++) {
            if (tries == 1) {
                LOG.info("the gateway's keys are not there yet; fetching them again until they are");
            }
            try {
                Thread.sleep(PAUSES.ceiling(tries));
            } catch (InterruptedException e) {
                return;
            }
        }
    }
}
