package dev.sandbox.gateway.auth;

import java.io.IOException;
import java.nio.file.Files;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.quarkus.runtime.StartupEvent;

import dev.sandbox.gateway.GatewayConfig;

/**
 * The sandbox's demo API key: stored (hashed) in Redis at start-up, so that {@code curl -H
 * 'X-API-Key: ...'} works out of the box, and announced in a note the sandbox CLI prints when
 * {@code up} ends. Off unless {@code gateway.auth.demo-api-key.enabled=true} (the sandbox profile).
 */
@ApplicationScoped
public class DemoApiKeySeeder {

    private static final Logger LOG = Logger.getLogger(DemoApiKeySeeder.class);

    void seed(@Observes StartupEvent startup, GatewayConfig config, ApiKeyStore store) {
        var demo = config.auth().demoApiKey();
        if (!demo.enabled()) {
            return;
        }
        var key = demo.value().orElseGet(DemoApiKeySeeder::randomKey);
        store.store(key, "demo", demo.tier(), demo.scopes()).await().atMost(Duration.ofSeconds(10));
        var note = "gateway demo API key (tier " + demo.tier() + "): curl -H 'X-API-Key: " + key + "' <gateway>/api/...";
        LOG.info(note);
        demo.noteFile().ifPresent(file -> {
            try {
                Files.writeString(file, note + System.lineSeparator());
            } catch (IOException e) {
                LOG.warnf("cannot write the demo key note to %s: %s", file, e.getMessage());
            }
        });
    }

    private static String randomKey() {
        var bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        return "sk_demo_" + HexFormat.of().formatHex(bytes);
    }
}
