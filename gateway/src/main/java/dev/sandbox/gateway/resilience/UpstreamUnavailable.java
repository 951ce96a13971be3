package dev.sandbox.gateway.resilience;

import io.vertx.core.http.HttpClientResponse;

/**
 * A transient failure of an upstream, the kind worth retrying and counted by its breaker: it
 * refused the connection, or answered 502, 503 or 504. The response, if any, rides along so the
 * last attempt's answer can be relayed as is.
 */
public final class UpstreamUnavailable extends RuntimeException {

    private final transient HttpClientResponse response;

    public UpstreamUnavailable(String message, Throwable cause, HttpClientResponse response) {
        super(message, cause, false, false);
        this.response = response;
    }

    /** The upstream's 502/503/504 answer, paused and unread; null when there was none. */
    public HttpClientResponse response() {
        return response;
    }

    public static boolean isTransientStatus(int status) {
        return status == 502 || status == 503 || status == 504;
    }
}
