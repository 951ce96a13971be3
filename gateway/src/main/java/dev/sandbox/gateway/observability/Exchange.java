package dev.sandbox.gateway.observability;

import dev.sandbox.gateway.auth.Caller;
import dev.sandbox.gateway.ratelimit.Decision;
import dev.sandbox.gateway.routing.Route;
import dev.sandbox.gateway.routing.Upstream;

/**
 * What the gateway learnt about one request on its way through, for the access log and the
 * metrics: filled in step by step on the request's event loop, read once when the response ends.
 */
public final class Exchange {

    private final long startNanos = System.nanoTime();
    private final String requestId;
    private final String traceId;
    private Route route;
    private Caller caller;
    private Decision decision;
    private Upstream upstream;
    private int attempts;
    private String error;

    public Exchange(String requestId, String traceId) {
        this.requestId = requestId;
        this.traceId = traceId;
    }

    public String requestId() {
        return requestId;
    }

    public String traceId() {
        return traceId;
    }

    public long startNanos() {
        return startNanos;
    }

    public Route route() {
        return route;
    }

    public void route(Route route) {
        this.route = route;
    }

    public Caller caller() {
        return caller;
    }

    public void caller(Caller caller) {
        this.caller = caller;
    }

    public Decision decision() {
        return decision;
    }

    public void decision(Decision decision) {
        this.decision = decision;
    }

    public Upstream upstream() {
        return upstream;
    }

    /** The upstream of the latest attempt. */
    public void attempt(Upstream upstream) {
        this.upstream = upstream;
        this.attempts++;
    }

    public int attempts() {
        return attempts;
    }

    /** Why the gateway answered itself (a problem type), if it did. */
    public String error() {
        return error;
    }

    public void error(String error) {
        this.error = error;
    }
}
