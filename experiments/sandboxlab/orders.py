"""Orders' invariants, counted as order-service's own Reconciliation counts them.

Of the orders placed since the experiment began (``orders.created_at``):

* lost: accepted (a row exists) and never settled, still PENDING once the pipeline is quiet;
* double-charged: more than one payment_ledger entry;
* duplicate events: more than one record on payments.v1, as a read_committed consumer sees it
  (a result published by an aborted transaction is not a record);
* missing events: settled, and no record on payments.v1.
"""

import time

from . import sandbox, stores

SERVICE = "order-service"


def reconcile(dsn: str, bootstrap: str, payments_topic: str, since: float, settle: float = 600, quiet: float = 60,
              poll: float = 1.0) -> dict:
    """Waits until the pipeline is quiet (nothing left PENDING, or no change for ``quiet`` seconds, at
    most ``settle`` seconds), then counts. Returns the counts by name. ``quiet`` is long enough for a
    restarted processor to resume draining its backlog: a count taken earlier calls an order lost
    that is only late."""
    window = "created_at >= to_timestamp(%s)"
    deadline = time.monotonic() + settle
    last, unchanged_since = None, time.monotonic()
    while time.monotonic() < deadline:
        state = stores.query(dsn, f"SELECT count(*) FILTER (WHERE status = 'PENDING'), count(*), "
                                  f"(SELECT count(*) FROM payment_ledger), (SELECT count(*) FROM outbox) "
                                  f"FROM orders WHERE {window}", (since,))[0]
        if state[0] == 0 and state[3] == 0:
            break
        if state != last:
            last, unchanged_since = state, time.monotonic()
        elif time.monotonic() - unchanged_since >= quiet:
            break
        time.sleep(poll)

    settled = [row[0] for row in stores.query(
        dsn, f"SELECT id::text FROM orders WHERE {window} AND status <> 'PENDING'", (since,))]
    events = stores.committed_keys(bootstrap, payments_topic)
    return {
        "orders": stores.count(dsn, f"SELECT count(*) FROM orders WHERE {window}", (since,)),
        "settled": len(settled),
        "lost": stores.count(dsn, f"SELECT count(*) FROM orders WHERE {window} AND status = 'PENDING'", (since,)),
        "double_charged": stores.count(
            dsn, f"SELECT count(*) FROM (SELECT order_id FROM payment_ledger WHERE order_id IN "
                 f"(SELECT id FROM orders WHERE {window}) GROUP BY order_id HAVING count(*) > 1) d", (since,)),
        "duplicate_events": sum(1 for order in settled if events.get(order, 0) > 1),
        "missing_events": sum(1 for order in settled if events.get(order, 0) == 0),
    }


_last = {"at": 0.0, "counts": None}


def counts(settle: float = 600, quiet: float = 60) -> dict:
    """The counts for the running sandbox's orders since the experiment began (one reconciliation
    serves the probes of one steady-state check)."""
    if _last["counts"] is None or time.monotonic() - _last["at"] > 20:
        env = sandbox.environment(SERVICE)
        _last["counts"] = reconcile(sandbox.postgres_dsn(SERVICE), env["KAFKA_BOOTSTRAP_SERVERS"],
                                    env.get("ORDERS_TOPICS_PAYMENTS", "payments.v1"), sandbox.STARTED, float(settle), float(quiet))
        _last["at"] = time.monotonic()
    return _last["counts"]
