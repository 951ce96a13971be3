package dev.sandbox.orders.idempotency;

/**
 * What Redis holds under an idempotency key: the fingerprint of the request that took the key and,
 * once it is done, its response. {@code owner} tells the holder's own record from a later one.
 */
public record IdempotencyRecord(String requestHash, String owner, StoredResponse response) {

    public boolean completed() {
        return response != null;
    }
}
