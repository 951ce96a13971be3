package dev.sandbox.gateway.routing;

import java.net.URI;

/**
 * One upstream instance: where it listens. Its breaker and bulkhead are keyed by {@link #id()},
 * host:port, as it appears in metrics, logs and the breaker's name (built once: it is read several
 * times per request).
 */
public record Upstream(URI uri, String id) {

    public Upstream(URI uri) {
        this(uri, null);
    }

    /** {@code id} is always derived from {@code uri}, whatever is passed. */
    public Upstream {
        if (!"http".equals(uri.getScheme()) || uri.getHost() == null) {
            throw new IllegalArgumentException("an upstream is http://host:port, not " + uri);
        }
        id = uri.getHost() + ":" + port(uri);
    }

    public String host() {
        return uri.getHost();
    }

    public int port() {
        return port(uri);
    }

    private static int port(URI uri) {
        return uri.getPort() > 0 ? uri.getPort() : 80;
    }
}
