package dev.sandbox.orders.chaos;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * The probability of halting at each crash point, 0 (never, the default) to 1 (the first time it
 * is reached): {@code ORDERS_CRASH_AFTER_CHARGE=0.05}. 1 makes an experiment deterministic.
 */
@ConfigMapping(prefix = "orders.crash")
public interface CrashConfig {

    @WithDefault("0")
    double afterCharge();

    @WithDefault("0")
    double afterProduce();

    @WithDefault("0")
    double beforeCommit();

    @WithDefault("0")
    double afterDbCommitBeforePublish();

    default double probability(CrashPoint point) {
        return switch (point) {
            case AFTER_CHARGE -> afterCharge();
            case AFTER_PRODUCE -> afterProduce();
            case BEFORE_COMMIT -> beforeCommit();
            case AFTER_DB_COMMIT_BEFORE_PUBLISH -> afterDbCommitBeforePublish();
        };
    }
}
