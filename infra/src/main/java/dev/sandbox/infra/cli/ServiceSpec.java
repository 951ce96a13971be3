package dev.sandbox.infra.cli;

import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import dev.sandbox.infra.Component;

/**
 * One service process of the sandbox: which module's jar it runs, on which port, what it needs,
 * and the environment it gets on top of the addresses of what it needs. Environment values may
 * name another service's URL as {@code {url:order-service}}.
 *
 * @param database the PostgreSQL database the service owns, or null
 */
public record ServiceSpec(String name, String module, int port, Set<Component> needs, String database,
        Map<String, String> environment) {

    public ServiceSpec {
        needs = needs.isEmpty() ? EnumSet.noneOf(Component.class) : EnumSet.copyOf(needs);
        environment = Map.copyOf(environment);
    }

    public static ServiceSpec of(String name, String module, int port, Set<Component> needs) {
        return new ServiceSpec(name, module, port, needs, null, Map.of());
    }

    public ServiceSpec database(String database) {
        return new ServiceSpec(name, module, port, needs, database, environment);
    }

    public ServiceSpec env(String key, String value) {
        var merged = new LinkedHashMap<>(environment);
        merged.put(key, value);
        return new ServiceSpec(name, module, port, needs, database, merged);
    }
}
