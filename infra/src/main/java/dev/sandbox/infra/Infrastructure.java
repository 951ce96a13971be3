package dev.sandbox.infra;

import java.util.Set;

/**
 * Real Redis, PostgreSQL, RabbitMQ and Kafka servers, and the means to break them. Two
 * implementations stand behind it: local OS processes, and Testcontainers when a Docker engine is
 * present (see {@link Infrastructures}). Faults act on the real server: {@link #kill} is SIGKILL
 * (or {@code docker kill}), {@link #pause} is SIGSTOP (or {@code docker pause}).
 */
public interface Infrastructure extends AutoCloseable {

    /** Starts the components that are not running yet and returns once each answers a real round trip. */
    void start(Set<Component> components);

    /** Addresses of the started components. */
    Endpoints endpoints();

    /** Whether the component answers a real round trip now. */
    boolean isReady(Component component);

    /** Ends the component at once, without any chance to clean up (SIGKILL). */
    void kill(Component component);

    /** Starts a killed or stopped component again on the same port, with the same data, and waits until ready. */
    void restart(Component component);

    /** Freezes the component (SIGSTOP): connections stay open, nothing answers. */
    void pause(Component component);

    /** Unfreezes a paused component (SIGCONT). */
    void resume(Component component);

    /** Stops every component cleanly. */
    @Override
    void close();
}
