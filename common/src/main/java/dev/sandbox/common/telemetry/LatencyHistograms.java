package dev.sandbox.common.telemetry;

import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Stream;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;

/**
 * Request durations as histograms with a dozen fixed buckets, so that a dashboard can ask Prometheus
 * for p50 and p99 across every instance ({@code histogram_quantile} over summed buckets). Percentiles
 * computed inside each process could not be added up; Micrometer's default histogram would add some
 * seventy series per route and status. Twelve buckets from 5 ms to 10 s is the trade: quantiles are
 * interpolated inside a bucket, exact enough to tell 20 ms from 200 ms.
 */
public class LatencyHistograms {

    /** The request timer of every service: Quarkus' HTTP server timer (the gateway's per-route timer has its own histogram). */
    static final Set<String> REQUEST_TIMERS = Set.of("http.server.requests");

    static final double[] BUCKETS = Stream.of(5, 10, 25, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000)
            .mapToDouble(millis -> Duration.ofMillis(millis).toNanos())
            .toArray();

    /**
     * The same buckets, for a latency timer of a service's own that a dashboard shows as p50/p99
     * across instances: {@code Timer.builder(name).serviceLevelObjectives(LatencyHistograms.buckets())}.
     */
    public static Duration[] buckets() {
        return Arrays.stream(BUCKETS).mapToObj(nanos -> Duration.ofNanos((long) nanos)).toArray(Duration[]::new);
    }

    @Produces
    @Singleton
    MeterFilter requestLatencyBuckets() {
        return new MeterFilter() {
            @Override
            public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
                if (id.getType() != Meter.Type.TIMER || !REQUEST_TIMERS.contains(id.getName())) {
                    return config;
                }
                return DistributionStatisticConfig.builder().serviceLevelObjectives(BUCKETS).build().merge(config);
            }
        };
    }
}
