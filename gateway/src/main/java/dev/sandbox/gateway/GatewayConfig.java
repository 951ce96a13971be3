package dev.sandbox.gateway;

import java.time.Duration;
import java.util.Map;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import dev.sandbox.gateway.auth.AuthConfig;
import dev.sandbox.gateway.headers.RouteHeaders;
import dev.sandbox.gateway.proxy.UpstreamPoolConfig;
import dev.sandbox.gateway.ratelimit.RateLimitConfig;
import dev.sandbox.gateway.ratelimit.RouteLimits;
import dev.sandbox.gateway.resilience.ResilienceConfig;
import dev.sandbox.gateway.routing.RouteConfig;

/**
 * Every knob of the gateway, with its default: the one root of its configuration, under
 * {@code gateway.*}; each feature's knobs are a group of it, kept beside the feature. Enum values are
 * written in kebab-case ({@code sliding-window-counter}), as SmallRye reads them.
 *
 * <pre>
 * gateway.routes.orders.prefix=/api/orders          routing
 * gateway.routes.orders.algorithm=token-bucket      the limiter, for this route
 * gateway.auth.jwt.issuer=sandbox-gateway           auth
 * gateway.rate-limit.fail-mode=closed               the limiter
 * gateway.resilience.retry.max-attempts=3           retries, breakers, bulkheads
 * gateway.routes.chat-page.content-security-policy  a page's policy, in place of gateway.content-security-policy
 * </pre>
 */
@ConfigMapping(prefix = "gateway")
public interface GatewayConfig {

    /** The route table, by route name: nothing but what is listed here is reachable. */
    Map<String, Route> routes();

    AuthConfig auth();

    RateLimitConfig rateLimit();

    ResilienceConfig resilience();

    UpstreamPoolConfig upstream();

    /**
     * The Content-Security-Policy of every answer whose route states none: an API answer is no page
     * and may load nothing. A route that serves a page states the strictest policy it works with.
     */
    @WithDefault("default-src 'none'; frame-ancestors 'none'")
    String contentSecurityPolicy();

    /** How long an API-key lookup in Redis may take before the request is refused (503). */
    @WithDefault("500ms")
    Duration redisTimeout();

    /**
     * One route's keys, {@code gateway.routes.<name>.*}: where its requests go (routing's), how
     * they are limited (the limiter's) and the headers of its answers. Each feature reads its own
     * part, so none depends on another.
     */
    interface Route extends RouteConfig, RouteLimits, RouteHeaders {
    }
}
