"""The invariants, one probe each, for an experiment's steady-state hypothesis.

Each returns a count; the experiment's tolerance says what is acceptable (0 for "nothing lost").
The counts come from the real stores (see ``orders``); the report shows every one.
"""

from . import ingestion, orders


def orders_placed(settle: float = 600, quiet: float = 60) -> int:
    """Orders placed since the experiment began (a tolerance ``[1, ...]`` says the workload ran)."""
    return orders.counts(settle, quiet)["orders"]


def orders_lost(settle: float = 600, quiet: float = 60) -> int:
    """Orders accepted and never settled."""
    return orders.counts(settle, quiet)["lost"]


def orders_double_charged(settle: float = 600, quiet: float = 60) -> int:
    """Orders with more than one charge in the payment ledger."""
    return orders.counts(settle, quiet)["double_charged"]


def orders_duplicate_events(settle: float = 600, quiet: float = 60) -> int:
    """Settled orders whose result is on payments.v1 more than once (read_committed)."""
    return orders.counts(settle, quiet)["duplicate_events"]


def orders_missing_events(settle: float = 600, quiet: float = 60) -> int:
    """Settled orders whose result never reached payments.v1."""
    return orders.counts(settle, quiet)["missing_events"]


def events_lost(settle: float = 600) -> int:
    """Events the experiment's uploader had accepted (202) that never reached the events table."""
    return ingestion.counts(settle)["lost"]


def events_counted_twice(settle: float = 600) -> int:
    """Per-minute counts above a recount of the stored events, over the experiment's minutes."""
    return ingestion.counts(settle)["counted_twice"]


def orders_reconciliation(settle: float = 600, quiet: float = 60) -> dict:
    """Every orders count at once, by the name of its probe: the method's last step, so the report
    has each invariant's count even where the hypothesis stopped at its first failure. ``quiet``:
    how long nothing may change before a still-PENDING order counts as lost (long enough for a
    restarted processor to resume its backlog)."""
    counts = orders.counts(settle, quiet)
    return {"orders_placed": counts["orders"], "orders_settled": counts["settled"], "orders_lost": counts["lost"],
            "orders_double_charged": counts["double_charged"], "orders_duplicate_events": counts["duplicate_events"],
            "orders_missing_events": counts["missing_events"]}


def ingestion_reconciliation(settle: float = 600) -> dict:
    """Every ingestion count at once, by the name of its probe (see ``orders_reconciliation``)."""
    counts = ingestion.counts(settle)
    return {"events_accepted": counts["accepted"], "events_stored": counts["stored"], "events_lost": counts["lost"],
            "events_counted_twice": counts["counted_twice"]}
