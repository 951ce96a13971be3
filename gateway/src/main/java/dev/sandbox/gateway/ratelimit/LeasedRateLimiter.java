package dev.sandbox.gateway.ratelimit;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;

/**
 * The leased mode: an instance takes a small batch of permits from the shared count in Redis at
 * once (one script call, the same atomic step as an exact decision) and spends them locally,
 * without asking Redis again, until the batch is spent or its lease ends.
 *
 * <p>Guarantees: never more than L admitted across all instances, because every permit spent here
 * was counted in Redis before it was leased. The price: permits leased but not spent are counted
 * all the same, so near the limit another instance may be refused while this one still holds a few.
 * One call per key is in flight at a time, and it asks for the requests waiting on it plus
 * {@code size - 1}: at most {@code size - 1} permits per instance and key go unspent, so at least
 * L &minus; instances &times; size are admitted. A lease ends with the window it was counted in (a
 * permit is never spent in another window) or after {@code gateway.rate-limit.lease.ttl}, whichever
 * comes first: a quiet instance does not sit on permits. Redis calls: about one per {@code size}
 * requests instead of one per request. When Redis fails, every request waiting on the call fails
 * with it, and the fail mode decides for each (as in the exact mode).
 */
final class LeasedRateLimiter implements RateLimiter {

    /** Above this many keys, idle leases that have ended are dropped when a call is made. */
    private static final int SWEEP_ABOVE = 10_000;

    private final RedisRateLimiter shared;
    private final int size;
    private final long ttlNanos;
    private final ConcurrentHashMap<String, Lease> leases = new ConcurrentHashMap<>();

    LeasedRateLimiter(RedisRateLimiter shared, int size, Duration ttl) {
        this.shared = shared;
        this.size = Math.max(1, size);
        this.ttlNanos = ttl.toNanos();
    }

    @Override
    public Algorithm algorithm() {
        return shared.algorithm();
    }

    @Override
    public Uni<Decision> acquire(Limit limit) {
        var lease = leases.computeIfAbsent(limit.key(), key -> new Lease());
        var local = lease.take(System.nanoTime());
        if (local != null) {
            return Uni.createFrom().item(local);
        }
        return Uni.createFrom().emitter(waiter -> {
            var wanted = lease.await(waiter);
            if (wanted > 0) {
                call(limit, lease, wanted);
            }
        });
    }

    /** One call to Redis for the waiters of a key; again while some still wait once its permits are spent. */
    private void call(Limit limit, Lease lease, int wanted) {
        if (leases.size() > SWEEP_ABOVE) {
            var now = System.nanoTime();
            leases.values().removeIf(held -> held.idle(now));
        }
        shared.acquire(limit, wanted).subscribe().with(grant -> {
            var next = lease.granted(grant, System.nanoTime(), ttlNanos);
            if (next > 0) {
                call(limit, lease, next);
            }
        }, lease::failed);
    }

    /** Permits held for one key, and the requests waiting for the call in flight; any event loop may use it. */
    private final class Lease {
        private int permits;
        private long endsNanos;
        private long grantedNanos;
        private Decision granted;
        private boolean calling;
        private final ArrayDeque<UniEmitter<? super Decision>> waiters = new ArrayDeque<>();

        /** One permit as an allowed decision (its headers count the permits still held here), or null. */
        synchronized Decision take(long now) {
            if (permits == 0 || now - endsNanos >= 0 || !waiters.isEmpty()) {
                return null; // none left, or the lease ended, or earlier requests wait: they go first
            }
            permits--;
            var elapsedMillis = (now - grantedNanos) / 1_000_000;
            return new Decision(Decision.Outcome.ALLOWED, granted.limit(), granted.remaining() + permits,
                    Math.max(0, granted.resetMillis() - elapsedMillis), 0);
        }

        /** Queues a request; the permits to ask Redis for when no call is in flight yet, else 0. */
        synchronized int await(UniEmitter<? super Decision> waiter) {
            waiters.add(waiter);
            if (calling) {
                return 0;
            }
            calling = true;
            return waiters.size() + size - 1;
        }

        /** Hands the granted permits to the waiters in order; the permits of the next call if some still wait. */
        int granted(RedisRateLimiter.Grant grant, long now, long ttl) {
            var served = new ArrayList<UniEmitter<? super Decision>>();
            var refused = new ArrayList<UniEmitter<? super Decision>>();
            int next;
            int left;
            Decision batch = grant.decision();
            synchronized (this) {
                // Permits still held (a request that queued as a grant came in may have started this call) stay,
                // under the sooner end: a permit must not outlive the window it was counted in.
                var held = now - endsNanos >= 0 ? 0 : permits;
                var ends = now + Math.min(ttl, Duration.ofMillis(batch.resetMillis()).toNanos());
                endsNanos = held > 0 ? Math.min(endsNanos, ends) : ends;
                permits = held + grant.permits();
                grantedNanos = now;
                granted = batch;
                // A waiter that timed out meanwhile takes its permit all the same (it stays unspent: counted, never admitted).
                while (permits > 0 && !waiters.isEmpty()) {
                    served.add(waiters.poll());
                    permits--;
                }
                if (grant.permits() == 0) { // Redis refused: so are all who still wait for this answer
                    refused.addAll(waiters);
                    waiters.clear();
                }
                calling = !waiters.isEmpty();
                next = calling ? waiters.size() + size - 1 : 0;
                left = permits;
            }
            for (int i = 0; i < served.size(); i++) {
                served.get(i).complete(new Decision(Decision.Outcome.ALLOWED, batch.limit(),
                        batch.remaining() + left + served.size() - 1 - i, batch.resetMillis(), 0));
            }
            refused.forEach(waiter -> waiter.complete(batch));
            return next;
        }

        void failed(Throwable failure) {
            List<UniEmitter<? super Decision>> failing;
            synchronized (this) {
                failing = new ArrayList<>(waiters);
                waiters.clear();
                calling = false;
            }
            failing.forEach(waiter -> waiter.fail(failure));
        }

        synchronized boolean idle(long now) {
            return !calling && waiters.isEmpty() && (permits == 0 || now - endsNanos >= 0);
        }
    }
}
