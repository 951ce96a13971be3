package dev.sandbox.common.redis;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import dev.sandbox.common.context.NoPropagation;
import io.opentelemetry.context.Context;
import io.smallrye.mutiny.Uni;

/**
 * A Lua script for Redis, run by its SHA-1 digest ({@code EVALSHA}: 40 bytes travel, and Redis
 * neither receives nor hashes the text again), and sent whole ({@code EVAL}, which also caches it)
 * only when Redis answers {@code NOSCRIPT}: on the first call, and after a restart or a
 * {@code SCRIPT FLUSH} emptied its script cache. Either way the script runs atomically, once.
 *
 * <p>Neutral about the Redis client (the services use three flavours): the caller says how to send
 * one command, given which of the two it is and the first argument (the digest or the text); keys
 * and arguments follow as that client takes them.
 */
public final class LuaScript {

    /** The two ways to run a script; {@link #name()} is the command's name. */
    public enum Eval {
        EVALSHA, EVAL
    }

    /** Sends one {@code EVALSHA} or {@code EVAL} whose first argument is {@code script}. */
    @FunctionalInterface
    public interface Sender<T> {
        T send(Eval command, String script);
    }

    private final String text;
    private final String sha1;

    private LuaScript(String text) {
        this.text = text;
        this.sha1 = sha1(text);
    }

    public static LuaScript of(String text) {
        return new LuaScript(text);
    }

    /** The script in a resource beside {@code owner} (by its class loader; absolute, e.g. {@code /chat/post.lua}). */
    public static LuaScript resource(Class<?> owner, String name) {
        try (var in = owner.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing script " + name);
            }
            return new LuaScript(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String text() {
        return text;
    }

    public String sha1() {
        return sha1;
    }

    /** Runs it on a blocking client: the digest first, the text if Redis does not have it. */
    public <T> T run(Sender<T> redis) {
        try {
            return redis.send(Eval.EVALSHA, sha1);
        } catch (RuntimeException e) {
            if (!notLoaded(e)) {
                throw e;
            }
            return redis.send(Eval.EVAL, text);
        }
    }

    /**
     * Runs it on a reactive client: the digest first, the text if Redis does not have it. Assembled
     * without context propagation ({@link NoPropagation}): nothing here needs the caller's contexts
     * but the retry with the text, which runs on the thread of Redis' {@code NOSCRIPT} and is sent in
     * the caller's trace, made current for it.
     */
    public <T> Uni<T> runAsync(Sender<Uni<T>> redis) {
        var trace = Context.current();
        return NoPropagation.assemble(() -> redis.send(Eval.EVALSHA, sha1)
                .onFailure(LuaScript::notLoaded)
                .recoverWithUni(() -> {
                    try (var scope = trace.makeCurrent()) {
                        return redis.send(Eval.EVAL, text);
                    }
                }));
    }

    /** Redis' answer that it has no script of that digest, wherever a client wrapped it. */
    public static boolean notLoaded(Throwable failure) {
        for (var cause = failure; cause != null; cause = cause.getCause()) {
            if (cause.getMessage() != null && cause.getMessage().startsWith("NOSCRIPT")) {
                return true;
            }
        }
        return false;
    }

    private static String sha1(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-1", e);
        }
    }
}
