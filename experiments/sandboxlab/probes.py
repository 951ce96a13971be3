"""The invariants, one probe each, for an experiment's steady-state hypothesis.

Each returns a count; the experiment's tolerance says what is acceptable (0 for "nothing lost").
The counts come from the real stores (see ``orders``); the report shows every one.
"""

from . import chat, gateway, ingestion, orders, rag, replicas


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


def rag_mrr_shortfall(mode: str) -> float:
    """How far ``mode``'s MRR@10 on the eval set is below the best retrieval mode's (0: it is the best)."""
    return rag.figures()["shortfall"][mode]


def rag_recall_at_5(mode: str) -> float:
    """Share of the eval questions whose answering section ``mode`` retrieves among the first 5."""
    return rag.figures()["modes"][mode]["recall_at_5"]


def rag_reconciliation(mode: str) -> dict:
    """Every mode's figures at once (recall@5, MRR@10, misses, p50), and the judged mode's, for the report."""
    figures = rag.figures()
    modes = figures["modes"]
    return {"rag_mrr_shortfall": figures["shortfall"][mode], "rag_recall_at_5": modes[mode]["recall_at_5"],
            # What a vector query pays that a BM25 one does not: the question's embedding.
            "embedding_cost_ms": round(modes["vector"]["p50_ms"] - modes["bm25"]["p50_ms"], 1),
            **{f"{other} {key}": value for other, values in figures["modes"].items() for key, value in values.items()}}


def gateway_admitted_over_limit() -> int:
    """Requests the gateway admitted beyond the caller's limit in the last burst (``gateway.burst``)."""
    return gateway.LAST["over_limit"]


def gateway_reconciliation() -> dict:
    """The last burst's counts and latencies, for the report."""
    return {f"gateway_{key}": value for key, value in gateway.LAST.items()}


def chat_gaps() -> int:
    """Messages a chat member never received, as the k6 clients counted them across reconnects."""
    return chat.counts()["chat_gaps"]


def chat_duplicates() -> int:
    """Messages a chat member received twice, as the k6 clients counted them."""
    return chat.counts()["chat_duplicates"]


def chat_reconciliation() -> dict:
    """Every chat counter of the workload, for the report."""
    return chat.counts()


def replicas_admitted_over_limit(route: str, limit: int = 120) -> int:
    """Requests the gateway replicas admitted, on ``route``, beyond what one limiter of its algorithm
    shared by all of them may admit, summed over the limit's windows (``replicas.counted``)."""
    return replicas.counts(limit)[route]["over_limit"]


def replicas_reconciliation(limit: int = 120) -> dict:
    """Per algorithm: admitted, past the limit, the most admitted in one window, per replica, and each
    replica's own count of its limiter's decisions (which algorithm decided), for the report. The
    hypothesis' probes are named "<algorithm>: admitted past the limit", as their counts here."""
    counts = replicas.counts(limit)
    figures = {}
    for route, count in counts.items():
        name = count["algorithm"]
        figures.update({f"{name}: admitted past the limit": count["over_limit"], f"{name} admitted": count["admitted"],
                        f"{name} refused": count["refused"], f"{name} most in a window": count["most_in_a_window"],
                        f"{name} allowance per window": count["allowance"], f"{name} straddling": count["straddling"],
                        f"{name} not authenticated": count.get("unauthorized", 0),
                        f"{name} admitted per replica": " · ".join(str(n) for n in count["per_replica"].values())})
    for index, url in enumerate(replicas.STATE.get("urls", []), start=1):
        figures[f"replica {index} decisions"] = ", ".join(f"{key} {n}" for key, n in sorted(replicas.decisions(url).items()))
    return figures
