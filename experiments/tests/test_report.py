"""The verdict comes from the journal's counts, and a run whose workload got no answer proves nothing."""

import json

from sandboxlab import report

START = 1_800_000_000  # the run's start, in epoch seconds


def journal(tmp_path, counts: dict, requests_ok: int, requests_failed: int, status="completed"):
    k6 = tmp_path / "k6"
    k6.mkdir()
    rows = ["metric_name,timestamp,metric_value"]
    for index in range(requests_ok + requests_failed):
        second = START + 1 + index // 10
        rows += [f"http_reqs,{second},1", f"http_req_duration,{second},{10 + index}",
                 f"http_req_failed,{second},{1 if index >= requests_ok else 0}"]
    (k6 / "metrics.csv").write_text("\n".join(rows) + "\n")
    at = "2027-01-15T08:00:00"  # START in UTC
    activities = [{"type": "probe", "name": name, "tolerance": 0, "provider": {"func": name.replace(" ", "_")}}
                  for name in counts]
    probes = [{"activity": activity, "output": counts[activity["name"]], "status": "succeeded",
               "tolerance_met": counts[activity["name"]] == 0} for activity in activities]
    document = {
        "experiment": {"title": "nothing lost", "steady-state-hypothesis": {"probes": activities}},
        "start": at, "status": status, "duration": 42,
        "steady_states": {"after": {"steady_state_met": all(p["tolerance_met"] for p in probes), "probes": probes}},
        "run": [
            {"activity": {"type": "action", "name": "workload", "background": True, "provider": {"func": "run_workload"}},
             "status": "succeeded",
             "start": at, "output": {"script": "orders", "profile": "smoke", "exit_code": 0, "report": str(k6)}},
            {"activity": {"type": "action", "name": "kill -9 the broker", "provider": {"func": "kill"}},
             "status": "succeeded", "start": "2027-01-15T08:00:05"}],
        "rollbacks": [],
    }
    path = tmp_path / "run" / "journal.json"
    path.parent.mkdir()
    path.write_text(json.dumps(document))
    return path


def test_a_count_above_its_tolerance_fails_and_the_report_shows_it(tmp_path):
    assert report.timestamp("2027-01-15T08:00:00") == START
    run = report.Run("naive", journal(tmp_path, {"orders lost": 3, "orders charged twice": 0}, 40, 5))

    assert not run.verdict
    assert report.summary(tmp_path / "out", [run]) == 1
    text = (tmp_path / "out" / "report.md").read_text()
    assert "| orders lost | 0 | FAIL (3) |" in text
    assert "| orders charged twice | 0 | PASS (0) |" in text
    assert "| requests | 45 |" in text and "| failed requests | 5 |" in text
    assert (tmp_path / "out" / "chart.png").stat().st_size > 10_000
    assert run.faults == [(5.0, "kill -9 the broker")]


def test_every_invariant_held_passes(tmp_path):
    run = report.Run("right", journal(tmp_path, {"orders lost": 0, "orders charged twice": 0}, 40, 5))

    assert run.verdict
    assert report.summary(tmp_path / "out", [run]) == 0


def test_a_workload_that_got_no_answer_proves_nothing(tmp_path):
    run = report.Run("idle", journal(tmp_path, {"orders lost": 0}, 0, 20))

    assert not run.verdict


def test_a_fault_that_did_not_happen_proves_nothing(tmp_path):
    path = journal(tmp_path, {"orders lost": 0}, 40, 0)
    document = json.loads(path.read_text())
    document["run"][1]["status"] = "failed"
    path.write_text(json.dumps(document))

    assert not report.Run("no fault", path).verdict


def test_invariants_after_the_first_failure_are_judged_from_the_reconciliation(tmp_path):
    path = journal(tmp_path, {"orders lost": 3, "orders charged twice": 0, "orders published twice": 0}, 40, 0)
    document = json.loads(path.read_text())
    # Chaos Toolkit stops at the first probe out of tolerance; the method's reconciliation counted all.
    document["steady_states"]["after"]["probes"] = document["steady_states"]["after"]["probes"][:1]
    document["run"].append({"activity": {"type": "probe", "name": "reconcile", "provider": {"func": "orders_reconciliation"}},
                            "status": "succeeded", "start": "2027-01-15T08:00:09",
                            "output": {"orders_lost": 3, "orders_charged_twice": 2, "orders_published_twice": 0}})
    path.write_text(json.dumps(document))

    run = report.Run("naive", path)

    assert run.invariants == [("orders lost", 0, 3, False), ("orders charged twice", 0, 2, False),
                              ("orders published twice", 0, 0, True)]
    report.write(tmp_path / "out", [run])
    assert "| orders_charged_twice | 2 |" in (tmp_path / "out" / "report.md").read_text()
    assert run.faults == [(5.0, "kill -9 the broker")]


def test_probes_that_share_a_function_are_judged_from_the_reconciliation_by_their_names(tmp_path):
    path = journal(tmp_path, {"fixed-window: past the limit": 180, "token-bucket: past the limit": 0}, 40, 0)
    document = json.loads(path.read_text())
    for probe in document["experiment"]["steady-state-hypothesis"]["probes"]:
        probe["provider"]["func"] = "replicas_admitted_over_limit"
    document["steady_states"]["after"]["probes"] = document["steady_states"]["after"]["probes"][:1]
    document["run"].append({"activity": {"type": "probe", "name": "reconcile", "provider": {"func": "replicas_reconciliation"}},
                            "status": "succeeded", "start": "2027-01-15T08:00:09",
                            "output": {"fixed-window: past the limit": 180, "token-bucket: past the limit": 60}})
    path.write_text(json.dumps(document))

    assert report.Run("naive", path).invariants == [("fixed-window: past the limit", 0, 180, False),
                                                    ("token-bucket: past the limit", 0, 60, False)]


def test_the_estimate_is_confirmed_or_refuted_by_the_measured_figure(tmp_path):
    path = journal(tmp_path, {"orders lost": 2}, 40, 0)
    document = json.loads(path.read_text())
    document["experiment"]["extensions"] = [{"name": "sandbox", "estimate": {
        "claim": "At most one order per user is in flight.", "measured": "orders_lost", "expected": [1, 2],
        "source": "docs/orders.md", "applies_to": "naive"}}]
    document["run"].append({"activity": {"type": "probe", "name": "reconcile", "provider": {"func": "orders_reconciliation"}},
                            "status": "succeeded", "start": "2027-01-15T08:00:09", "output": {"orders_lost": 2}})
    path.write_text(json.dumps(document))
    right = tmp_path / "right"
    right.mkdir()
    (right / "journal.json").write_text(json.dumps(document).replace('"orders_lost": 2', '"orders_lost": 7'))

    report.write(tmp_path / "out", [report.Run("design=naive", path), report.Run("design=right", right / "journal.json")])
    text = (tmp_path / "out" / "report.md").read_text()

    assert "## Back-of-envelope (docs/orders.md)" in text
    assert "design=naive: predicted `orders_lost` in [1, 2], measured 2: the measurement **confirms** the estimate" in text
    assert "design=right" not in text.split("## Back-of-envelope")[1].split("##")[0]
    document["run"][-1]["output"] = {"orders_lost": 5}
    path.write_text(json.dumps(document))
    report.write(tmp_path / "out", [report.Run("design=naive", path)])
    assert "measured 5: the measurement **refutes** the estimate" in (tmp_path / "out" / "report.md").read_text()
