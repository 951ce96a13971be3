"""Admissions past a shared limit, counted from k6 samples seeded with a known over-admission; the
replicas' design settings; and the Kubernetes equivalent of starting replicas (recorded, not sent)."""

import csv

import pytest

from sandboxlab import actions, kubernetes, replicas

HEADER = ["metric_name", "timestamp", "metric_value", "check", "error", "error_code", "expected_response", "group",
          "method", "name", "proto", "scenario", "service", "status", "subproto", "tls_version", "url", "extra_tags",
          "metadata"]


def seed(path, samples):
    """A metrics.csv as k6 writes it: one row per sample, the script's own tags in extra_tags."""
    with open(path, "w", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(HEADER)
        for metric, tags, count in samples:
            for _ in range(count):
                row = dict.fromkeys(HEADER, "")
                row.update(metric_name=metric, timestamp="1764745200", metric_value="1.000000", scenario="x", status="",
                           extra_tags="&".join(f"{key}={value}" for key, value in tags.items()))
                writer.writerow([row[column] for column in HEADER])
    return path


def admitted(route, window, replica, count):
    return ("replicas_admitted", {"route": route, "window": window, "replica": replica}, count)


def test_admissions_past_each_algorithms_allowance_are_counted_per_window(tmp_path):
    # L = 10. Fixed window: 12 then 10 (2 past); sliding log: 10 and 10 (none); token bucket: 25 in one
    # window against 2L = 20 (5 past); the counter: 30 in one window across three replicas (20 past).
    metrics = seed(tmp_path / "metrics.csv", [
        admitted("orders", 100, 0, 6), admitted("orders", 100, 1, 6), admitted("orders", 101, 2, 10),
        ("replicas_refused", {"route": "orders", "window": 100, "replica": 0}, 7),
        admitted("events", 100, 0, 10), admitted("events", 101, 1, 10),
        admitted("rag", 100, 0, 25),
        admitted("chat", 100, 0, 10), admitted("chat", 100, 1, 10), admitted("chat", 100, 2, 10),
        # Answered in the next window: in no window's count, so never a false over-admission.
        ("replicas_straddling", {"route": "events", "replica": 2}, 4),
        # A token a replica could not read: its limiter never decided.
        ("replicas_unauthorized", {"route": "events", "replica": 1}, 3),
        # Another route, another metric: not counted.
        admitted("chat-page", 100, 0, 50), ("http_reqs", {"route": "orders", "window": 100}, 99),
    ])

    counts = replicas.counted(replicas.samples(metrics), 10)

    assert counts["orders"]["over_limit"] == 2
    assert counts["orders"]["windows"] == {100: 12, 101: 10}
    assert (counts["orders"]["admitted"], counts["orders"]["refused"]) == (22, 7)
    assert counts["orders"]["per_replica"] == {"0": 6, "1": 6, "2": 10}
    assert (counts["events"]["over_limit"], counts["events"]["straddling"], counts["events"]["unauthorized"],
            counts["events"]["admitted"]) == (0, 4, 3, 20)
    assert (counts["rag"]["allowance"], counts["rag"]["over_limit"]) == (20, 5)
    assert (counts["chat"]["most_in_a_window"], counts["chat"]["over_limit"]) == (30, 20)


def test_a_limit_that_held_counts_nothing_past_it_and_no_samples_count_nothing(tmp_path):
    held = seed(tmp_path / "held.csv", [admitted("orders", 7, 0, 4), admitted("orders", 7, 1, 6), admitted("rag", 7, 2, 20)])
    counts = replicas.counted(replicas.samples(held), 10)
    assert [count["over_limit"] for count in counts.values()] == [0, 0, 0, 0]

    empty = replicas.counted(replicas.samples(seed(tmp_path / "empty.csv", [])), 10)
    assert [(count["admitted"], count["over_limit"]) for count in empty.values()] == [(0, 0)] * 4


def test_counted_per_replica_each_replica_has_a_redis_database_of_its_own():
    shared = replicas.settings("shared", "redis://127.0.0.1:6379")
    naive = replicas.settings("per-replica", "redis://127.0.0.1:6379/0")

    assert shared == {"GATEWAY_ROUTES_ORDERS_ALGORITHM": "fixed-window", "GATEWAY_ROUTES_EVENTS_ALGORITHM": "sliding-log",
                      "GATEWAY_ROUTES_CHAT_ALGORITHM": "sliding-window-counter", "GATEWAY_ROUTES_RAG_ALGORITHM": "token-bucket",
                      "GATEWAY_RATE_LIMIT_TIMEOUT": "5s"}
    assert naive == {**shared, "QUARKUS_REDIS_HOSTS": "redis://127.0.0.1:6379/1"}
    assert replicas.database("redis://127.0.0.1:6379/1", 3) == "redis://127.0.0.1:6379/3"
    with pytest.raises(ValueError, match="shared, per-replica"):
        replicas.settings("local", "redis://127.0.0.1:6379")


def test_on_kubernetes_replicas_scale_the_gateway_deployment_and_the_rollback_scales_it_back(monkeypatch):
    calls = []
    monkeypatch.setenv("SANDBOXLAB_TARGET", "kubernetes")
    monkeypatch.setattr(kubernetes, "kubectl", lambda *args: calls.append(args) or ("2" if args[0] == "get" else ""))
    monkeypatch.setattr(actions.sandbox, "run", lambda *args, **kw: calls.append(("sandbox", *args)))

    replicas.start(3, "shared")
    replicas.stop()

    assert ("scale", "deployment/gateway", "--replicas=3") in calls
    assert calls.index(("scale", "deployment/gateway", "--replicas=3")) < calls.index(("scale", "deployment/gateway", "--replicas=2"))
    assert ("set", "env", "deployment/gateway", "GATEWAY_RATE_LIMIT_TIMEOUT=5s",
            "GATEWAY_ROUTES_CHAT_ALGORITHM=sliding-window-counter", "GATEWAY_ROUTES_EVENTS_ALGORITHM=sliding-log",
            "GATEWAY_ROUTES_ORDERS_ALGORITHM=fixed-window", "GATEWAY_ROUTES_RAG_ALGORITHM=token-bucket") in calls
    assert ("set", "env", "deployment/gateway", "GATEWAY_RATE_LIMIT_TIMEOUT-", "GATEWAY_ROUTES_CHAT_ALGORITHM-",
            "GATEWAY_ROUTES_EVENTS_ALGORITHM-",
            "GATEWAY_ROUTES_ORDERS_ALGORITHM-", "GATEWAY_ROUTES_RAG_ALGORITHM-") in calls
    assert not [call for call in calls if call[0] == "sandbox"]


def test_on_kubernetes_counting_per_replica_is_refused(monkeypatch):
    monkeypatch.setenv("SANDBOXLAB_TARGET", "kubernetes")
    monkeypatch.setattr(kubernetes, "kubectl", lambda *args: pytest.fail(f"kubectl {args} called"))

    with pytest.raises(ValueError, match="only counters=shared"):
        replicas.start(3, "per-replica")
