package dev.sandbox.ingestion.sink;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

/**
 * Down while the sink's steps fail with an unexpected error (its loop closes the consumer and
 * starts over, with a growing pause): if starting over does not cure it, a restart is next.
 */
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
