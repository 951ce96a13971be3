package dev.sandbox.common.context;

import java.util.function.Supplier;

import org.eclipse.microprofile.context.ThreadContext;

import io.smallrye.context.SmallRyeThreadContext;

/**
 * Mutiny pipelines assembled without context propagation.
 *
 * <p>Quarkus propagates every context it knows into every Mutiny callback: when an operator is
 * assembled it captures the CDI request scope, the OpenTelemetry context and the logging MDC, and it
 * restores them around each call of its callback, then puts back what was there. On a hot path of
 * small callbacks that is a large share of the work: 17 % of a chat node's samples went to it around
 * websocket writes, 28 % of the rate limiter's benchmark JVM's around Redis' replies (JFR, under
 * {@code ./sandbox bench chat} and {@code LimiterBench}). The operators assembled inside {@link #assemble} capture nothing and are called as they
 * are; operators the caller adds afterwards, outside, are contextualised as usual, so the caller's
 * own continuation still runs in its context.
 *
 * <p>Only for callbacks that need none of those contexts: parsing a reply, starting the next write.
 * A callback that starts traced work (a Redis command, an HTTP call) must make the trace context
 * current itself, or its span has no parent.
 */
public final class NoPropagation {

    /** Propagates nothing and clears nothing: its plan is empty, so Mutiny leaves callbacks undecorated. */
    private static final SmallRyeThreadContext NONE = (SmallRyeThreadContext) ThreadContext.builder()
            .propagated().cleared().unchanged(ThreadContext.ALL_REMAINING).build();

    private NoPropagation() {
    }

    /** What {@code pipeline} builds, with none of its operators capturing or restoring a context. */
    public static <T> T assemble(Supplier<T> pipeline) {
        return SmallRyeThreadContext.withThreadContext(NONE, pipeline);
    }
}
