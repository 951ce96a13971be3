package dev.sandbox.system.observability;

import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

import dev.sandbox.system.observability.Trace.Hop;

/**
 * The sandbox's trace store (Zipkin) read through its query API. Spans arrive late and out of order:
 * each service exports in batches, every few seconds, so a reader waits for the trace to be whole.
 */
final class TraceStore {

    /** Export delay (5 s by default) per service on the path, on a busy machine: generous on purpose. */
    static final Duration PATIENCE = Duration.ofSeconds(90);

    private final String url;

    TraceStore(String url) {
        this.url = url;
    }

    /** The trace as the store has it now, or empty when it has none of its spans yet. */
    Optional<Trace> trace(String id) {
        var response = Gateway.send(HttpRequest.newBuilder(URI.create(url + "/api/v2/trace/" + id))
                .timeout(Duration.ofSeconds(10)).GET().build());
        if (response.statusCode() == 404) {
            return Optional.empty();
        }
        if (response.statusCode() != 200) {
            throw new AssertionError("trace store answered " + response.statusCode() + ": " + response.body());
        }
        return Optional.of(Trace.parse(id, Gateway.json(response)));
    }

    /**
     * Waits until trace {@code id} holds every path of {@code paths} and is one tree (a single root,
     * no span whose parent is missing); returns it then. Fails with the tree as it stood when
     * {@link #PATIENCE} ran out: a hop that lost the context leaves its spans in another trace, so
     * the path never appears.
     */
    Trace awaitWhole(String id, List<List<Hop>> paths) {
        return awaitWhole(id, paths, PATIENCE);
    }

    /** As {@link #awaitWhole(String, List)}, for a flow whose last hops may wait behind other work. */
    Trace awaitWhole(String id, List<List<Hop>> paths, Duration patience) {
        var last = new AtomicReference<Optional<Trace>>(Optional.empty());
        try {
            return Awaitility.await("trace " + id + " whole").atMost(patience).pollInterval(Duration.ofMillis(500))
                    .until(() -> {
                        last.set(trace(id));
                        return last.get();
                    }, seen -> seen.isPresent() && isWhole(seen.get(), paths))
                    .orElseThrow();
        } catch (ConditionTimeoutException e) {
            var seen = last.get();
            var missing = seen.map(trace -> paths.stream().filter(path -> trace.path(path).isEmpty()).toList()).orElse(paths);
            throw new AssertionError("after " + patience.toSeconds() + " s trace " + id + " is not whole; paths missing: " + missing
                    + "\n" + seen.map(Trace::render).orElse("(the trace store has no span of it)"), e);
        }
    }

    private static boolean isWhole(Trace trace, List<List<Hop>> paths) {
        return trace.roots().size() == 1 && trace.orphans().isEmpty() && paths.stream().allMatch(path -> trace.path(path).isPresent());
    }
}
