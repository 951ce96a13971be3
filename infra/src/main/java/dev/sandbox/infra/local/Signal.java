package dev.sandbox.infra.local;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** POSIX signals, sent with kill(1): the JDK itself can only send TERM and KILL. */
public enum Signal {
    TERM, INT, KILL, STOP, CONT;

    static void send(Signal signal, List<ProcessHandle> processes) {
        if (processes.isEmpty()) {
            return;
        }
        var command = new ArrayList<>(List.of("kill", "-s", signal.name()));
        processes.forEach(process -> command.add(String.valueOf(process.pid())));
        try {
            // Exit status is ignored on purpose: a process may exit between listing and signalling.
            new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
        } catch (IOException e) {
            throw new IllegalStateException("cannot run kill(1)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
