package dev.sandbox.gateway.headers;

import java.util.Optional;

/**
 * The headers one route's answers carry, beside its routing and its limits, under
 * {@code gateway.routes.<name>.*}:
 *
 * <pre>
 * gateway.routes.chat-page.content-security-policy=default-src 'none'; script-src 'self'; connect-src 'self'
 * </pre>
 */
public interface RouteHeaders {

    /**
     * The Content-Security-Policy of this route's answers, in place of the gateway's own
     * ({@code gateway.content-security-policy}); absent for the API routes, which serve no page.
     */
    Optional<String> contentSecurityPolicy();
}
