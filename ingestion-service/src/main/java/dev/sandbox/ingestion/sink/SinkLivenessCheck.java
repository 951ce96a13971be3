package dev.sandbox.ingestion.sink;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

/** Down once the sink's loop died of an unexpected error: a restart is the cure, not waiting. */
@Liveness
@ApplicationScoped
public class SinkLivenessCheck implements HealthCheck {

    private final SinkConsumer sink;

    SinkLivenessCheck(SinkConsumer sink) {
        this.sink = sink;
    }

    @Override
    public HealthCheckResponse call() {
        var failure = sink.failure();
        var response = HealthCheckResponse.named("Ingestion sink");
        return failure == null ? response.up().build() : response.down().withData("error", String.valueOf(failure)).build();
    }
}
