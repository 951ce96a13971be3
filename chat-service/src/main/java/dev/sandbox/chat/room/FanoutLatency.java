package dev.sandbox.chat.room;

import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;

import dev.sandbox.chat.store.StoredMessage;
import dev.sandbox.common.telemetry.LatencyHistograms;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * How long a message takes from its send to its delivery on this node: {@code chat.fanout.latency}
 * ({@code chat_fanout_latency_seconds} in Prometheus), one observation per message and node, taken
 * when the room's in-order stream releases it to the node's members, whichever way it came: the
 * fan-out, the reorder buffer's wait, or the sweep that reads what the fan-out lost. Replays to a
 * resuming client are not deliveries and are not counted.
 *
 * <p>Measured from the message's {@code ts}, stamped by the sender's node just before the store:
 * on another host it includes the difference between the two clocks (none in the sandbox, where
 * every node shares one). The buckets are the project's fixed ones, so p50 and p99 add up across
 * nodes. Registered at start, so the first messages already show as an increase.
 */
@ApplicationScoped
public class FanoutLatency {

    private final Timer timer;

    public FanoutLatency(MeterRegistry registry) {
        this.timer = Timer.builder("chat.fanout.latency")
                .description("From a message's ts (its send) to its release to this node's members")
                .serviceLevelObjectives(LatencyHistograms.buckets())
                .register(registry);
    }

    void delivered(StoredMessage message) {
        var ts = message.ts();
        if (ts > 0) {
            timer.record(Math.max(0, System.currentTimeMillis() - ts), TimeUnit.MILLISECONDS);
        }
    }
}
