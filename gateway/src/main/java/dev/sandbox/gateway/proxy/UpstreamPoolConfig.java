package dev.sandbox.gateway.proxy;

import java.time.Duration;

import io.smallrye.config.WithDefault;

/** The gateway's connections to each upstream instance: {@code gateway.upstream.*}. */
public interface UpstreamPoolConfig {

    /** How long opening a connection may take before the attempt counts as failed. */
    @WithDefault("1s")
    Duration connectTimeout();

    /** Pooled HTTP/1.1 connections per upstream instance. */
    @WithDefault("128")
    int poolSize();
}
