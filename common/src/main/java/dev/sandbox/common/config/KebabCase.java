package dev.sandbox.common.config;

import java.util.Locale;

/**
 * The one spelling of an enum value outside the code: kebab-case, as SmallRye Config reads it
 * ({@code DUAL_WRITE} is {@code dual-write} in the configuration, the environment's value, metric
 * tags, logs and docs alike).
 */
public final class KebabCase {

    private KebabCase() {
    }

    public static String of(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
