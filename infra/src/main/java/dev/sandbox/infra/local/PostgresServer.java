package dev.sandbox.infra.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import dev.sandbox.infra.Component;
import dev.sandbox.infra.Endpoints;

/**
 * The PostgreSQL server binary run directly (not through pg_ctl), so its pid is the postmaster's.
 * PostgreSQL refuses to run as root: as root, it runs as the {@code postgres} user the package
 * created. {@code fsync=off} is safe here: the faults this sandbox injects kill processes, not the
 * machine, and the OS keeps what was written; {@code synchronous_commit} stays on, so a commit
 * is in the WAL (in the OS) before the client hears of it, and survives kill -9.
 */
final class PostgresServer extends LocalServer {

    private static final String OS_USER = "postgres";

    PostgresServer(Path dir, String host, boolean fixedClientPort) {
        super(Component.POSTGRES, dir, host, fixedClientPort, Set.of());
    }

    @Override
    public Component component() {
        return Component.POSTGRES;
    }

    @Override
    public Endpoints.Postgres endpoint() {
        return new Endpoints.Postgres(host, clientPort(), Endpoints.POSTGRES_USER, Endpoints.POSTGRES_PASSWORD);
    }

    @Override
    protected void prepare() throws IOException {
        var data = path("data");
        if (Files.exists(data.resolve("PG_VERSION"))) {
            return;
        }
        Files.createDirectories(data, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        if (Os.isRoot()) {
            var lookup = data.getFileSystem().getUserPrincipalLookupService();
            Files.setOwner(data, lookup.lookupPrincipalByName(OS_USER));
            Files.getFileAttributeView(data, PosixFileAttributeView.class)
                    .setGroup(lookup.lookupPrincipalByGroupName(OS_USER));
        }
        Os.run(asServerUser(List.of(Os.postgresBin().resolve("initdb").toString(),
                "-D", data.toString(),
                "-U", Endpoints.POSTGRES_USER,
                "--auth=trust",
                "-E", "UTF8",
                "--locale=C",
                "--no-sync")), dir);
    }

    @Override
    protected List<String> command() {
        return asServerUser(List.of(Os.postgresBin().resolve("postgres").toString(),
                "-D", path("data").toString(),
                "-p", String.valueOf(clientPort()),
                "-c", "listen_addresses=" + host,
                "-c", "unix_socket_directories=",
                "-c", "max_connections=300",
                "-c", "shared_buffers=64MB",
                "-c", "fsync=off",
                "-c", "full_page_writes=off",
                "-c", "log_min_messages=warning"));
    }

    /** Fast shutdown: roll back open transactions, then stop. */
    @Override
    protected Signal stopSignal() {
        return Signal.INT;
    }

    /** setpriv execs (no child in between), so the pid started is the postmaster's own. */
    private static List<String> asServerUser(List<String> command) {
        if (!Os.isRoot()) {
            return command;
        }
        var wrapped = new ArrayList<>(List.of("setpriv", "--reuid=" + OS_USER, "--regid=" + OS_USER, "--init-groups", "--"));
        wrapped.addAll(command);
        return wrapped;
    }
}
