package dev.sandbox.orders.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import dev.sandbox.infra.Component;
import dev.sandbox.infra.testing.CommittedRecords;
import dev.sandbox.infra.testing.TestInfrastructure;
import dev.sandbox.infra.testing.WithInfrastructure;
import dev.sandbox.orders.testing.Database;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * Several relays side by side: each row goes to exactly one of them, and none waits for another.
 * The instance runs without the API role, so no relay of its own competes with the ones driven here.
 */
@QuarkusTest
@TestProfile(OutboxRelayTest.NoApiRole.class)
@WithInfrastructure({Component.POSTGRES, Component.KAFKA})
class OutboxRelayTest {

    public static class NoApiRole implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("orders.role", "processor");
        }
    }

    @Inject
    DataSource db;

    @Inject
    Outbox outbox;

    @Inject
    OutboxRelay relay;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    @Test
    void aRelaySkipsTheRowsAnotherRelayIsPublishing() throws Exception {
        var topic = TestInfrastructure.current().unique("relay-test");
        var first = UUID.randomUUID();
        var second = UUID.randomUUID();
        QuarkusTransaction.requiringNew().run(() -> {
            try {
                outbox.append(first, topic, "{\"n\":1}", null);
                outbox.append(second, topic, "{\"n\":2}", null);
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });

        try (Connection otherRelay = db.getConnection()) {
            otherRelay.setAutoCommit(false);
            // Another relay holds the first row, as if it were publishing it.
            try (var lock = otherRelay.prepareStatement("SELECT id FROM outbox WHERE aggregate_id = ? FOR UPDATE")) {
                lock.setObject(1, first);
                lock.executeQuery().close();
            }

            // This relay neither waits for it nor publishes it: it publishes the other row.
            var published = CompletableFuture.supplyAsync(relay::publishBatch).get(20, TimeUnit.SECONDS);
            assertThat(published).isEqualTo(1);
            assertThat(keysOn(topic)).containsExactly(second.toString());

            otherRelay.rollback(); // the other relay died before publishing: its row is free again
        }
        assertThat(relay.publishBatch()).isEqualTo(1);
        assertThat(keysOn(topic)).containsExactlyInAnyOrder(first.toString(), second.toString());
        assertThat(Database.count(db::getConnection, "SELECT count(*) FROM outbox")).isZero();
    }

    private List<String> keysOn(String topic) {
        return CommittedRecords.of(bootstrapServers, topic).stream().map(record -> record.key()).toList();
    }

}
