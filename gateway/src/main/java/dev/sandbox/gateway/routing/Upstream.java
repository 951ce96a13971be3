package dev.sandbox.gateway.routing;

import java.net.URI;

/** One upstream instance: where it listens. Its breaker and bulkhead are keyed by {@link #id()}. */
public record Upstream(URI uri) {

    public Upstream {
        if (!"http".equals(uri.getScheme()) || uri.getHost() == null) {
            throw new IllegalArgumentException("an upstream is http://host:port, not " + uri);
        }
    }

    public String host() {
        return uri.getHost();
    }

    public int port() {
        return uri.getPort() > 0 ? uri.getPort() : 80;
    }

    /** host:port, as it appears in metrics, logs and the breaker's name. */
    public String id() {
        return host() + ":" + port();
    }
}
