package dev.sandbox.infra.local;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import dev.sandbox.infra.Component;
import dev.sandbox.infra.Endpoints;

/** redis-server in the foreground; append-only file on, so a restart after kill -9 keeps (almost) all data. */
final class RedisServer extends LocalServer {

    RedisServer(Path dir, String host, boolean fixedClientPort) {
        super(Component.REDIS, dir, host, fixedClientPort, Set.of());
    }

    @Override
    public Component component() {
        return Component.REDIS;
    }

    @Override
    public Endpoints.Redis endpoint() {
        return new Endpoints.Redis(host, clientPort());
    }

    @Override
    protected List<String> command() {
        return List.of(Os.executable("redis-server", "redis-server", Path.of("/usr/bin/redis-server")).toString(),
                "--port", String.valueOf(clientPort()),
                "--bind", host,
                "--dir", dir.toString(),
                "--save", "",
                "--appendonly", "yes",
                "--appendfsync", "everysec",
                "--daemonize", "no",
                "--logfile", "");
    }
}
