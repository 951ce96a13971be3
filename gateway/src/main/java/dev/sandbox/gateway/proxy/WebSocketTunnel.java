package dev.sandbox.gateway.proxy;

import java.util.Arrays;
import java.util.function.Consumer;

import jakarta.enterprise.context.ApplicationScoped;

import dev.sandbox.common.problem.ProblemException;
import dev.sandbox.gateway.auth.UpstreamTokens;
import dev.sandbox.gateway.observability.Exchange;
import dev.sandbox.gateway.routing.Route;
import dev.sandbox.gateway.routing.RouteTable;
import io.vertx.core.http.WebSocketBase;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.ext.web.RoutingContext;

/**
 * A WebSocket upgrade passes through: the gateway opens the upstream WebSocket first (so a dead
 * upstream is a plain 502, not an accepted socket that closes at once), then accepts the client's,
 * and splices the two frame by frame, text stays text, binary stays binary, with backpressure each
 * way. A close on either side closes the other with the same code.
 */
@ApplicationScoped
public class WebSocketTunnel {

    private final RouteTable routes;
    private final UpstreamClients clients;
    private final UpstreamTokens tokens;

    public WebSocketTunnel(RouteTable routes, UpstreamClients clients, UpstreamTokens tokens) {
        this.routes = routes;
        this.clients = clients;
        this.tokens = tokens;
    }

    public void splice(RoutingContext ctx, Exchange exchange, Route route, Consumer<Throwable> onError) {
        var request = ctx.request();
        var upstream = routes.next(route);
        exchange.attempt(upstream);
        var options = new WebSocketConnectOptions()
                .setHost(upstream.host())
                .setPort(upstream.port())
                .setURI(route.upstreamUri(request.path(), request.query()))
                .setHeaders(ForwardedHeaders.upstreamRequest(request, route, exchange.caller(), exchange.requestId(), true,
                        tokens.authorization(exchange.caller())))
                .setTimeout(route.timeout().toMillis());
        var protocols = request.getHeader("Sec-WebSocket-Protocol");
        if (protocols != null) {
            options.getHeaders().remove("Sec-WebSocket-Protocol");
            options.setSubProtocols(Arrays.stream(protocols.split(",")).map(String::trim).toList());
        }
        clients.webSockets().connect(options)
                .onFailure(failure -> onError.accept(new ProblemException(502, "upstream-unreachable", "Upstream unreachable",
                        "The upstream did not accept the WebSocket: " + failure.getMessage())))
                .onSuccess(upstreamSocket -> {
                    // The upstream may speak first (a chat node sends its welcome on open): hold its
                    // frames until the client's socket exists, or they would be dropped unread.
                    upstreamSocket.pause();
                    request.toWebSocket()
                            .onFailure(failure -> upstreamSocket.close())
                            .onSuccess(clientSocket -> {
                                pipe(clientSocket, upstreamSocket);
                                pipe(upstreamSocket, clientSocket);
                                upstreamSocket.resume();
                            });
                });
    }

    private static void pipe(WebSocketBase from, WebSocketBase to) {
        from.frameHandler(frame -> {
            if (frame.isClose()) {
                return; // the close handler below carries it over
            }
            to.writeFrame(frame);
            if (to.writeQueueFull()) {
                from.pause();
                to.drainHandler(drained -> from.resume());
            }
        });
        from.closeHandler(closed -> {
            if (!to.isClosed()) {
                var status = from.closeStatusCode();
                to.close(status == null ? (short) 1000 : status, from.closeReason());
            }
        });
        from.exceptionHandler(failure -> to.close((short) 1011, "upstream or client failed"));
    }
}
