package dev.sandbox.infra.cli;

import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

import dev.sandbox.infra.Component;
import dev.sandbox.infra.Endpoints;

/**
 * One service process of the sandbox: which module's jar it runs, on which port, what it needs,
 * and the environment it gets on top of the addresses of what it needs. Environment values may
 * name another service's URL as {@code {url:order-service}}.
 *
 * @param database the PostgreSQL database the service owns, or null
 */
public record ServiceSpec(String name, String module, int port, Set<Component> needs, String database,
        Map<String, String> environment) {

    private static final Pattern URL_REFERENCE = Pattern.compile("\\{url:([a-z0-9-]+)}");

    public ServiceSpec {
        needs = needs.isEmpty() ? EnumSet.noneOf(Component.class) : EnumSet.copyOf(needs);
        // In the order given: the environment is written out (deploy/), and should read the same each time.
        environment = Collections.unmodifiableMap(new LinkedHashMap<>(environment));
    }

    public static ServiceSpec of(String name, String module, int port, Set<Component> needs) {
        return new ServiceSpec(name, module, port, needs, null, Map.of());
    }

    public ServiceSpec database(String database) {
        return new ServiceSpec(name, module, port, needs, database, environment);
    }

    /**
     * The environment this service runs with, wherever it runs (./sandbox, Compose, Kubernetes): the
     * addresses of what it needs, its port and profile, and its own settings, with
     * {@code {url:name}} resolved by {@code urlOf}.
     */
    public Map<String, String> environment(Endpoints endpoints, int httpPort, Function<String, String> urlOf) {
        var resolved = new LinkedHashMap<String, String>();
        resolved.put("QUARKUS_HTTP_PORT", String.valueOf(httpPort));
        resolved.put("QUARKUS_PROFILE", "prod,sandbox");
        // Every service sends its spans to the trace store, when one runs: it is no dependency (nothing waits for it).
        var reached = EnumSet.copyOf(needs);
        reached.add(Component.ZIPKIN);
        resolved.putAll(endpoints.environment(reached, database));
        environment.forEach((key, value) ->
                resolved.put(key, URL_REFERENCE.matcher(value).replaceAll(match -> urlOf.apply(match.group(1)))));
        return resolved;
    }

    public ServiceSpec env(String key, String value) {
        var merged = new LinkedHashMap<>(environment);
        merged.put(key, value);
        return new ServiceSpec(name, module, port, needs, database, merged);
    }
}
