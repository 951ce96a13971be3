package dev.sandbox.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.sandbox.infra.local.LocalInfrastructure;
import dev.sandbox.infra.local.Ports;
import dev.sandbox.infra.local.RunDirectory;

/** A test JVM killed with SIGKILL cannot clean up; the next run finds what it left and stops it. */
class OrphanReapingTest {

    @Test
    void serversOfAKilledOwnerAreStoppedByTheNextRun(@TempDir Path runs) throws Exception {
        var owner = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), OwnerThatGetsKilled.class.getName())
                .redirectErrorStream(true);
        owner.environment().put("SANDBOX_RUNS", runs.toString());
        var process = owner.start();
        String[] ready;
        try (var reader = new BufferedReader(new InputStreamReader(process.getInputStream()))) {
            String line;
            do {
                line = reader.readLine();
            } while (line != null && !line.startsWith("READY"));
            assertThat(line).as("owner JVM output").isNotNull();
            ready = line.split(" ");
        }
        var redis = ProcessHandle.of(Long.parseLong(ready[1])).orElseThrow();
        var port = Integer.parseInt(ready[2]);

        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        assertThat(redis.isAlive()).as("redis outlives its killed owner: an orphan").isTrue();

        RunDirectory.reapOrphans(runs);

        redis.onExit().get(10, TimeUnit.SECONDS);
        assertThat(redis.isAlive()).isFalse();
        assertThat(Ports.isFree("127.0.0.1", port)).isTrue();
        try (var left = Files.list(runs)) {
            assertThat(left.toList()).isEmpty();
        }
    }

    /** Starts Redis in a run it owns, says where, and waits to be killed. */
    public static final class OwnerThatGetsKilled {
        public static void main(String[] args) throws Exception {
            var infrastructure = new LocalInfrastructure(RunDirectory.open("owner", "127.0.0.1", false, false));
            infrastructure.start(Set.of(Component.REDIS));
            var server = infrastructure.server(Component.REDIS);
            System.out.println("READY " + server.process().pid().orElseThrow() + " " + server.clientPort());
            System.out.flush();
            Thread.sleep(Long.MAX_VALUE);
        }
    }

}
