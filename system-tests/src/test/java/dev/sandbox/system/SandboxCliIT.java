package dev.sandbox.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import dev.sandbox.infra.Component;
import dev.sandbox.infra.cli.ServiceSpec;
import dev.sandbox.infra.cli.Topology;
import dev.sandbox.infra.local.Ports;
import dev.sandbox.infra.local.RunDirectory;
import dev.sandbox.system.stack.SandboxCommand;
import dev.sandbox.system.stack.SandboxCommand.Result;

/**
 * ./sandbox as a newcomer uses it: up, status, up again, a fault, down. The run has a name and
 * free ports of its own, so it never meets a sandbox someone is running on this machine, and the
 * script is started with an old JDK first on PATH and no JAVA_HOME: it must find a JDK >= 21 itself.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SandboxCliIT {

    private static final String RUN = "e2e-" + UUID.randomUUID().toString().substring(0, 8);
    private static final SandboxCommand NEWCOMER = newcomer();
    /** Every infrastructure component and every service of the topology. */
    private static final List<String> COMPONENTS = Stream.concat(
            Arrays.stream(Component.values()).map(Component::id),
            Topology.SERVICES.stream().map(ServiceSpec::name)).toList();

    /** Pids and ports seen by status while everything ran. */
    private static final Map<String, Long> PIDS = new HashMap<>();
    private static final List<Integer> PORTS = new ArrayList<>();

    @Test
    @Order(1)
    void upStartsEveryComponentAndReportsTimeAndMemory() throws Exception {
        var up = sandbox(Duration.ofMinutes(5), "up", "--free-ports");

        assertThat(up.exitCode()).as(up.output()).isZero();
        assertThat(up.output()).containsPattern("up in [0-9.]+ s, [0-9]+ MB resident in total");
        for (var component : COMPONENTS) {
            assertThat(up.output()).as(up.output()).containsPattern("(?m)^" + component + " +[0-9]+ +[0-9]+ +yes ");
        }
    }

    @Test
    @Order(2)
    void statusShowsEveryComponentReady() throws Exception {
        var status = sandbox(Duration.ofMinutes(1), "status");

        assertThat(status.exitCode()).as(status.output()).isZero();
        for (var line : status.output().lines().toList()) {
            var columns = line.trim().split(" +");
            if (COMPONENTS.contains(columns[0])) {
                assertThat(columns[3]).as(line).isEqualTo("yes");
                assertThat(Long.parseLong(columns[4])).as("RSS of " + line).isPositive();
                PIDS.put(columns[0], Long.parseLong(columns[1]));
                PORTS.add(Integer.parseInt(columns[2]));
            }
        }
        assertThat(PIDS.keySet()).containsExactlyInAnyOrderElementsOf(COMPONENTS);
    }

    @Test
    @Order(3)
    void upAgainIsHarmless() throws Exception {
        var again = sandbox(Duration.ofMinutes(2), "up");

        assertThat(again.exitCode()).as(again.output()).isZero();
        assertThat(again.output()).doesNotContain("starting");
        var status = sandbox(Duration.ofMinutes(1), "status");
        PIDS.forEach((component, pid) ->
                assertThat(status.output()).as("same process for " + component).containsPattern("(?m)^" + component + " +" + pid + " "));
    }

    @Test
    @Order(4)
    void aKilledComponentShowsDownAndComesBackOnRestart() throws Exception {
        assertThat(sandbox(Duration.ofMinutes(1), "kill", "redis").exitCode()).isZero();
        var status = sandbox(Duration.ofMinutes(1), "status");
        assertThat(status.exitCode()).isEqualTo(1);
        assertThat(status.output()).containsPattern("(?m)^redis +- +[0-9]+ +down ");

        var restart = sandbox(Duration.ofMinutes(2), "restart", "redis");
        assertThat(restart.exitCode()).as(restart.output()).isZero();
        assertThat(sandbox(Duration.ofMinutes(1), "status").exitCode()).isZero();
    }

    @Test
    @Order(5)
    void unknownComponentsAreRefusedWithTheList() throws Exception {
        var kill = sandbox(Duration.ofMinutes(1), "kill", "no-such-thing");

        assertThat(kill.exitCode()).isEqualTo(2);
        assertThat(kill.output()).contains("no component named no-such-thing").contains("order-service");
    }

    @Test
    @Order(6)
    void downLeavesNoProcessAndNoPortBehind() throws Exception {
        var down = sandbox(Duration.ofMinutes(2), "down");

        assertThat(down.exitCode()).as(down.output()).isZero();
        PIDS.forEach((component, pid) ->
                assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive)).as(component + " pid " + pid).isEmpty());
        PORTS.forEach(port -> assertThat(Ports.isFree("127.0.0.1", port)).as("port " + port).isTrue());
        assertThat(RunDirectory.base().resolve(RUN)).doesNotExist();
        assertThat(sandbox(Duration.ofMinutes(1), "status").output()).contains("not running");
    }

    @AfterAll
    static void downWhateverHappened() throws Exception {
        sandbox(Duration.ofMinutes(2), "down");
    }

    /** Runs ./sandbox with an environment like a newcomer's: no JAVA_HOME, an old java first on PATH if there is one. */
    private static Result sandbox(Duration timeout, String... args) throws IOException, InterruptedException {
        return NEWCOMER.run(timeout, args);
    }

    private static SandboxCommand newcomer() {
        var environment = new HashMap<String, String>();
        environment.put("JAVA_HOME", null);
        try {
            environment.put("PATH", oldJdkBin().map(bin -> bin + ":").orElse("") + System.getenv().getOrDefault("PATH", ""));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new SandboxCommand(RUN, environment);
    }

    /** A JDK older than 21, to put first on PATH, when the machine has one. */
    private static Optional<Path> oldJdkBin() throws IOException {
        var jvms = Path.of("/usr/lib/jvm");
        if (!Files.isDirectory(jvms)) {
            return Optional.empty();
        }
        try (Stream<Path> homes = Files.list(jvms)) {
            return homes.filter(home -> home.getFileName().toString().matches(".*-(8|11|17)(-.*)?"))
                    .map(home -> home.resolve("bin"))
                    .filter(bin -> Files.isExecutable(bin.resolve("java")))
                    .findFirst();
        }
    }
}
