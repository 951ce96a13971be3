package dev.sandbox.orders.testing;

import java.io.IOException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Clients placing orders at a steady rate, the way a careful client does: each order has its own
 * idempotency key, and anything but a 201 (the server gone, 409, 503) is retried with the same key
 * until it succeeds. So every order is placed exactly once however often the server dies, and
 * {@link #placed()} is what the clients were promised. Every tenth order is above the payment limit.
 */
public final class OrderLoad implements AutoCloseable {

    private static final Duration GIVE_UP_AFTER = Duration.ofMinutes(3);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Supplier<String> baseUrl;
    private final int orders;
    private final Duration interval;
    private final String customer;
    private final AtomicInteger next = new AtomicInteger();
    private final AtomicInteger retries = new AtomicInteger();
    private final Set<String> placed = ConcurrentHashMap.newKeySet();
    private final int clientCount;
    private final ExecutorService clients;
    private volatile long startedAt;
    private volatile Throwable failure;

    public OrderLoad(Supplier<String> baseUrl, int orders, int perSecond, int clients, String customer) {
        this.baseUrl = baseUrl;
        this.orders = orders;
        this.interval = Duration.ofNanos(1_000_000_000L / perSecond);
        this.customer = customer;
        this.clientCount = clients;
        this.clients = Executors.newFixedThreadPool(clients);
    }

    public OrderLoad start() {
        startedAt = System.nanoTime();
        for (var i = 0; i < clientCount; i++) {
            clients.submit(this::client);
        }
        clients.shutdown();
        return this;
    }

    private void client() {
        int index;
        while (failure == null && (index = next.getAndIncrement()) < orders) {
            // Order i leaves at start + i x interval: a steady rate, whatever the latency.
            var due = startedAt + index * interval.toNanos();
            sleepNanos(due - System.nanoTime());
            try {
                placed.add(place(index));
            } catch (Throwable e) {
                failure = e;
            }
        }
    }

    private String place(int index) throws InterruptedException {
        var key = OrderRequests.newKey();
        var body = index % 10 == 9 ? OrderRequests.body(customer, 3, "2000.00") : OrderRequests.body(customer, 1, "5.00");
        var deadline = System.nanoTime() + GIVE_UP_AFTER.toNanos();
        while (true) {
            try {
                var response = OrderRequests.post(baseUrl.get(), key, body);
                if (response.statusCode() == 201) {
                    return JSON.readTree(response.body()).get("id").asText();
                }
                if (response.statusCode() < 500 && response.statusCode() != 409) {
                    throw new IllegalStateException("order " + index + " refused: " + response.statusCode() + " " + response.body());
                }
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            } catch (IOException serverGone) {
                // killed or restarting: retry with the same key
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("order " + index + " not placed within " + GIVE_UP_AFTER);
            }
            retries.incrementAndGet();
            Thread.sleep(250);
        }
    }

    /** How far the load is, 0 to 1. */
    public double progress() {
        return Math.min(1.0, (double) placed.size() / orders);
    }

    public boolean done() {
        return clients.isTerminated();
    }

    /** Waits for every order to be placed; fails if one could not be. */
    public Set<String> awaitPlaced() throws InterruptedException {
        if (!clients.awaitTermination(GIVE_UP_AFTER.toMinutes() * 2, TimeUnit.MINUTES)) {
            throw new IllegalStateException("load still running");
        }
        if (failure != null) {
            throw new IllegalStateException("a client failed", failure);
        }
        return Set.copyOf(placed);
    }

    public Set<String> placed() {
        return Set.copyOf(placed);
    }

    public int retries() {
        return retries.get();
    }

    /** Stops the clients (a test that failed midway). */
    @Override
    public void close() {
        clients.shutdownNow();
    }

    private static void sleepNanos(long nanos) {
        if (nanos > 0) {
            try {
                Thread.sleep(Duration.ofNanos(nanos));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
