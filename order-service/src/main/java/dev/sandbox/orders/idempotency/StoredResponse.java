package dev.sandbox.orders.idempotency;

/** An answer as it is replayed: status, Location (or null) and the exact body. */
public record StoredResponse(int status, String location, String body) {
}
