package dev.sandbox.gateway.proxy;

import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import dev.sandbox.gateway.auth.Authenticator;
import dev.sandbox.gateway.auth.Caller;
import dev.sandbox.gateway.routing.Route;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpServerRequest;

/**
 * Which headers cross the gateway. Hop-by-hop headers (RFC 9110 section 7.6.1) describe one
 * connection, not the message, so they stop here, with every header the {@code Connection} header
 * names. What the gateway vouches for (the client's address, who the caller is) is set by the
 * gateway only: a client sending its own {@code X-Forwarded-For} or {@code X-Auth-Subject} is
 * overwritten, never believed.
 */
final class ForwardedHeaders {

    static final String REQUEST_ID = "X-Request-Id";

    private static final Set<String> HOP_BY_HOP = caseInsensitive("Connection", "Keep-Alive", "Proxy-Connection",
            "Proxy-Authenticate", "Proxy-Authorization", "TE", "Trailer", "Transfer-Encoding", "Upgrade");

    /** Set again by the gateway, or by the tracing of its own client call (traceparent, tracestate, baggage). */
    private static final Set<String> REPLACED = caseInsensitive("Host", "Forwarded", "X-Forwarded-For", "X-Forwarded-Host",
            "X-Forwarded-Proto", "X-Forwarded-Port", "X-Forwarded-Prefix", REQUEST_ID, "X-Auth-Subject", "X-Auth-Tier",
            "X-Auth-Scopes", "traceparent", "tracestate", "baggage");

    /** The caller's secret stays at the edge. */
    private static final Set<String> SECRETS = caseInsensitive(Authenticator.API_KEY_HEADER);

    /** The WebSocket client negotiates its own handshake with the upstream. */
    private static final Set<String> WEBSOCKET_HANDSHAKE = caseInsensitive("Sec-WebSocket-Key", "Sec-WebSocket-Version",
            "Sec-WebSocket-Extensions", "Sec-WebSocket-Accept");

    private ForwardedHeaders() {
    }

    /**
     * The headers of the request to the upstream; {@code authorization}, when not null, replaces the
     * client's (an API-key caller's token, minted by {@code UpstreamTokens}).
     */
    static MultiMap upstreamRequest(HttpServerRequest request, Route route, Caller caller, String requestId, boolean webSocket,
            String authorization) {
        var in = request.headers();
        var dropped = connectionListed(in);
        var out = MultiMap.caseInsensitiveMultiMap();
        in.forEach(header -> {
            var name = header.getKey();
            if (!HOP_BY_HOP.contains(name) && !REPLACED.contains(name) && !SECRETS.contains(name) && !dropped.contains(name)
                    && !(webSocket && WEBSOCKET_HANDSHAKE.contains(name))) {
                out.add(header.getKey(), header.getValue());
            }
        });
        out.set("X-Forwarded-For", request.remoteAddress().hostAddress());
        out.set("X-Forwarded-Proto", request.scheme());
        if (request.authority() != null) {
            out.set("X-Forwarded-Host", request.authority().toString());
        }
        out.set("X-Forwarded-Prefix", route.prefix());
        out.set(REQUEST_ID, requestId);
        if (authorization != null) {
            out.set("Authorization", authorization);
        }
        if (caller.kind() != Caller.Kind.ANONYMOUS) {
            out.set("X-Auth-Subject", caller.limitKey());
            out.set("X-Auth-Tier", caller.tier());
            out.set("X-Auth-Scopes", String.join(" ", new TreeSet<>(caller.scopes())));
        }
        return out;
    }

    /** Copies an upstream response's end-to-end headers to the client's response. */
    static void copyResponse(MultiMap upstream, MultiMap out) {
        var dropped = connectionListed(upstream);
        upstream.forEach(header -> {
            var name = header.getKey();
            if (!HOP_BY_HOP.contains(name) && !dropped.contains(name)) {
                out.add(header.getKey(), header.getValue());
            }
        });
    }

    /** The headers the {@code Connection} header names (none, and nothing allocated, when it is absent). */
    private static Set<String> connectionListed(MultiMap headers) {
        if (!headers.contains("Connection")) {
            return Set.of();
        }
        var listed = new TreeSet<String>(String.CASE_INSENSITIVE_ORDER);
        headers.getAll("Connection").forEach(value -> {
            for (var token : value.split(",")) {
                listed.add(token.trim());
            }
        });
        return listed;
    }

    /** Header names are case-insensitive: so are these sets, and no name is lower-cased per request to look it up. */
    private static Set<String> caseInsensitive(String... names) {
        var set = new TreeSet<String>(String.CASE_INSENSITIVE_ORDER);
        set.addAll(List.of(names));
        return Collections.unmodifiableSortedSet(set);
    }
}
