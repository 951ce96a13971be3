package dev.sandbox.infra.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The ports a server listens on, chosen once and kept in its directory, so that a restarted server
 * comes back at the same address its clients already know.
 */
public final class Ports {

    /** Ports handed out by this JVM and maybe not bound yet: never hand one out twice. */
    private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

    private final Map<String, Integer> byName;

    private Ports(Map<String, Integer> byName) {
        this.byName = Map.copyOf(byName);
    }

    public int get(String name) {
        var port = byName.get(name);
        if (port == null) {
            throw new IllegalStateException("no port named " + name + " in " + byName);
        }
        return port;
    }

    /**
     * The ports recorded in {@code file}, or new ones: {@code fixed} names get their given port
     * (which must be free), the others a free one.
     */
    public static Ports loadOrAllocate(Path file, String host, Map<String, Integer> fixed, Set<String> free) {
        if (Files.exists(file)) {
            return load(file);
        }
        var ports = new TreeMap<String, Integer>();
        fixed.forEach((name, port) -> {
            if (!isFree(host, port)) {
                throw new IllegalStateException("port " + port + " (" + name + ") on " + host
                        + " is taken by another process; stop it, or run with free ports (./sandbox up --free-ports)");
            }
            ports.put(name, port);
        });
        free.forEach(name -> ports.put(name, freePort(host)));
        var properties = new Properties();
        ports.forEach((name, port) -> properties.setProperty(name, String.valueOf(port)));
        try (var out = Files.newOutputStream(file)) {
            properties.store(out, "ports of this server, kept across restarts");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Ports(ports);
    }

    public static Ports load(Path file) {
        var properties = new Properties();
        try (var in = Files.newInputStream(file)) {
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        var ports = new TreeMap<String, Integer>();
        properties.stringPropertyNames().forEach(name -> ports.put(name, Integer.parseInt(properties.getProperty(name))));
        return new Ports(ports);
    }

    /** A port no one listens on now (the OS picks it), not handed out before by this JVM. */
    public static int freePort(String host) {
        while (true) {
            try (var socket = new ServerSocket()) {
                socket.setReuseAddress(false);
                socket.bind(new InetSocketAddress(InetAddress.getByName(host), 0));
                var port = socket.getLocalPort();
                if (HANDED_OUT.add(port)) {
                    return port;
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot find a free port on " + host, e);
            }
        }
    }

    public static boolean isFree(String host, int port) {
        try (var socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getByName(host), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public String toString() {
        return byName.toString();
    }
}
