"""A Chaos Toolkit journal (or several, side by side) turned into ``report.md`` and ``chart.png``.

The verdict per invariant is the journal's own: each steady-state probe after the method, its
tolerance and whether it was met, with the count it returned. The workload's figures come from the
k6 report the ``run_workload`` action returned (``summary.json``, ``metrics.csv``); the chart plots
throughput, p99 latency and errors per second, with every fault of the method marked.

Usage: python -m sandboxlab.report <out-dir> <journal.json>... (each run labelled by its directory's name)
Exit code: 0 when every run's verdict is PASS, 1 otherwise.
"""

import csv
import json
import sys
from collections import defaultdict
from datetime import datetime, timezone
from pathlib import Path


def load(path) -> dict:
    return json.loads(Path(path).read_text())


def timestamp(value: str) -> float:
    """Chaos Toolkit writes naive UTC ISO timestamps."""
    moment = datetime.fromisoformat(value)
    return (moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)).timestamp()


def reconciliation_of(journal: dict) -> dict:
    """The counts the method's reconciliation probe returned (``*_reconciliation``), by probe name."""
    for entry in journal.get("run", []):
        provider = entry["activity"].get("provider", {})
        if str(provider.get("func", "")).endswith("_reconciliation") and entry.get("status") == "succeeded":
            return entry["output"]
    return {}


def within(tolerance, value) -> bool:
    """Chaos Toolkit's meaning of the tolerances the experiments use: a value, or a range."""
    if isinstance(tolerance, dict) and tolerance.get("type") == "range":
        low, high = tolerance["range"]
        return low <= value <= high
    return value == tolerance


def invariants(journal: dict) -> list:
    """(name, tolerance, counted, met) for each probe of the hypothesis checked after the method.

    Chaos Toolkit stops checking at the first probe out of tolerance; the probes after it are
    judged here from the method's reconciliation, which counted them all."""
    after = (journal.get("steady_states") or {}).get("after") or {}
    checked = {probe["activity"]["name"]: probe for probe in after.get("probes", [])}
    counts = reconciliation_of(journal)
    rows = []
    for activity in (journal["experiment"].get("steady-state-hypothesis") or {}).get("probes", []):
        probe, func = checked.get(activity["name"]), activity.get("provider", {}).get("func")
        if probe is not None and probe.get("status") == "succeeded":
            rows.append((activity["name"], activity.get("tolerance"), probe.get("output"), bool(probe.get("tolerance_met"))))
        elif probe is not None:
            rows.append((activity["name"], activity.get("tolerance"), f"error: {probe.get('exception', ['?'])[-1].strip()}", False))
        elif func in counts or activity["name"] in counts:
            # By the probe's function, or by its name where several probes share one function.
            value = counts[func] if func in counts else counts[activity["name"]]
            rows.append((activity["name"], activity.get("tolerance"), value, within(activity.get("tolerance"), value)))
        elif after:
            rows.append((activity["name"], activity.get("tolerance"), "not counted", False))
    return rows


def workload_of(journal: dict):
    """The output of the run_workload action, if the method had one that succeeded."""
    for entry in journal.get("run", []):
        provider = entry["activity"].get("provider", {})
        if provider.get("func") == "run_workload" and entry.get("status") == "succeeded":
            return entry["output"]
    return None


#: Actions of a method that break nothing: not marked on the chart.
NOT_FAULTS = {"await_workloads", "run_workload"}


def faults_of(journal: dict) -> list:
    """(seconds since the run began, action name) for each action of the method but the workloads (in the background)."""
    began = timestamp(journal["start"])
    return [(timestamp(entry["start"]) - began, entry["activity"]["name"])
            for entry in journal.get("run", [])
            if entry["activity"].get("type") == "action" and not entry["activity"].get("background")
            and entry["activity"].get("provider", {}).get("func") not in NOT_FAULTS]


def percentile(values: list, fraction: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def k6_figures(report_dir) -> dict:
    """Requests, throughput, error rate and latency percentiles, and per-second series, from metrics.csv."""
    per_second = defaultdict(lambda: {"requests": 0, "errors": 0, "durations": []})
    durations = []
    with open(Path(report_dir) / "metrics.csv", newline="") as file:
        for row in csv.DictReader(file):
            name, second = row["metric_name"], int(float(row["timestamp"]))
            if name == "http_reqs":
                per_second[second]["requests"] += 1
            elif name == "http_req_failed" and float(row["metric_value"]) > 0:
                per_second[second]["errors"] += 1
            elif name == "http_req_duration":
                per_second[second]["durations"].append(float(row["metric_value"]))
                durations.append(float(row["metric_value"]))
    seconds = sorted(per_second)
    requests = sum(bucket["requests"] for bucket in per_second.values())
    errors = sum(bucket["errors"] for bucket in per_second.values())
    span = (seconds[-1] - seconds[0] + 1) if seconds else 0
    return {
        "requests": requests, "errors": errors, "throughput": requests / span if span else 0.0,
        "p50": percentile(durations, 0.50), "p95": percentile(durations, 0.95), "p99": percentile(durations, 0.99),
        "series": [(second, per_second[second]["requests"], percentile(per_second[second]["durations"], 0.99),
                    per_second[second]["errors"]) for second in seconds],
    }


class Run:
    """One journal, with what the report needs of it."""

    def __init__(self, label: str, journal_path):
        self.label = label
        self.journal = load(journal_path)
        self.invariants = invariants(self.journal)
        self.workload = workload_of(self.journal)
        self.k6 = k6_figures(self.workload["report"]) if self.workload and Path(self.workload["report"], "metrics.csv").exists() else None
        self.faults = faults_of(self.journal)

    @property
    def verdict(self) -> bool:
        held = bool(self.invariants) and all(met for *_, met in self.invariants)
        # A run whose workload got nothing answered, or whose faults did not all happen, proves nothing.
        answered = self.k6 is None if self.workload is None else (self.k6 is not None and self.k6["requests"] > self.k6["errors"])
        faults_happened = all(entry.get("status") == "succeeded" for entry in self.journal.get("run", []))
        return held and answered and faults_happened and self.journal.get("status") in ("completed", "deviated")


def verdict_word(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def chart(runs: list, path) -> None:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(3, len(runs), figsize=(6.5 * len(runs), 7.5), sharex="col", squeeze=False)
    for column, run in enumerate(runs):
        began = timestamp(run.journal["start"])
        series = run.k6["series"] if run.k6 else []
        x = [second - began for second, *_ in series]
        for row, (values, title, colour) in enumerate((
                ([s[1] for s in series], "requests/s", "tab:blue"),
                ([s[2] for s in series], "p99 latency (ms)", "tab:orange"),
                ([s[3] for s in series], "errors/s", "tab:red"))):
            axis = axes[row][column]
            axis.plot(x, values, color=colour, linewidth=1.2)
            axis.set_ylabel(title)
            # Each fault a dashed line, numbered as in the report's method table.
            for number, (at, _) in enumerate(run.faults, 1):
                axis.axvline(at, color="grey", linestyle="--", linewidth=0.8)
                if row == 0:
                    axis.text(at, 0.97, f" {number}", transform=axis.get_xaxis_transform(), fontsize=8, va="top",
                              color="dimgrey")
        axes[0][column].set_title(f"{run.label}: {verdict_word(run.verdict)}")
        axes[2][column].set_xlabel("seconds since the experiment began")
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)


def estimate_of(experiment: dict) -> dict:
    """The back-of-envelope figure the experiment checks: ``extensions: [{name: sandbox, estimate: ...}]``
    with ``claim`` (the reasoning, as on the docs page), ``measured`` (a key of the reconciliation),
    ``expected`` ([low, high]), ``source`` (the docs page) and, optionally, ``applies_to`` (a design)."""
    for extension in experiment.get("extensions") or []:
        if extension.get("name") == "sandbox":
            return extension.get("estimate") or {}
    return {}


def estimate_lines(runs: list, counted: list) -> list:
    estimate = estimate_of(runs[0].journal["experiment"])
    if not estimate:
        return []
    low, high = estimate["expected"]
    lines = ["", f"## Back-of-envelope ({estimate.get('source', 'docs')})", "", estimate["claim"].strip(), ""]
    for run, counts in zip(runs, counted):
        applies = estimate.get("applies_to")
        if applies and f"design={applies}" not in run.label and run.label != "as configured":
            continue
        value = counts.get(estimate["measured"])
        if value is None:
            lines.append(f"- {run.label}: `{estimate['measured']}` was not measured: neither confirmed nor refuted")
        else:
            word = "confirms" if low <= value <= high else "refutes"
            lines.append(f"- {run.label}: predicted `{estimate['measured']}` in [{low}, {high}], measured {value}: "
                         f"the measurement **{word}** the estimate")
    return lines


def markdown(runs: list, chart_name: str) -> str:
    experiment = runs[0].journal["experiment"]
    lines = [f"# {experiment['title']}", ""]
    if experiment.get("description"):
        lines += [experiment["description"].strip(), ""]
    lines += ["| run | verdict | chaos status | duration |", "|---|---|---|---|"]
    for run in runs:
        lines.append(f"| {run.label} | **{verdict_word(run.verdict)}** | {run.journal.get('status')} | "
                     f"{run.journal.get('duration', 0):.0f} s |")
    lines += ["", "## Invariants (counted in the stores after the method)", ""]
    names = [name for name, *_ in runs[0].invariants]
    lines += ["| invariant | tolerance | " + " | ".join(run.label for run in runs) + " |",
              "|---|---|" + "---|" * len(runs)]
    for index, name in enumerate(names):
        cells = []
        for run in runs:
            if index < len(run.invariants):
                _, _, counted, met = run.invariants[index]
                cells.append(f"{verdict_word(met)} ({counted})")
            else:
                cells.append("not checked")
        lines.append(f"| {name} | {json.dumps(runs[0].invariants[index][1])} | " + " | ".join(cells) + " |")
    counted = [reconciliation_of(run.journal) for run in runs]
    keys = list(dict.fromkeys(key for counts in counted for key in counts))
    if keys:
        lines += ["", "## Counted (the method's reconciliation)", "",
                  "| | " + " | ".join(run.label for run in runs) + " |", "|---|" + "---|" * len(runs)]
        lines += [f"| {key} | " + " | ".join(str(counts.get(key, "-")) for counts in counted) + " |" for key in keys]
    lines += estimate_lines(runs, counted)
    lines += ["", "## Workload (k6)", "",
              "| | " + " | ".join(run.label for run in runs) + " |", "|---|" + "---|" * len(runs)]
    for key, title, unit in (("requests", "requests", ""), ("errors", "failed requests", ""),
                             ("throughput", "throughput", " req/s"), ("p50", "p50", " ms"), ("p95", "p95", " ms"),
                             ("p99", "p99", " ms")):
        cells = []
        for run in runs:
            value = run.k6[key] if run.k6 else None
            cells.append("-" if value is None else (f"{value:.1f}{unit}" if isinstance(value, float) else f"{value}{unit}"))
        lines.append(f"| {title} | " + " | ".join(cells) + " |")
    for run in runs:
        if run.workload:
            lines.append(f"\n{run.label}: `{run.workload['script']}` ({run.workload['profile']}), k6 exit code "
                         f"{run.workload['exit_code']}, report `{run.workload['report']}`")
    lines += ["", f"![throughput, p99 and errors over time, faults marked]({chart_name})", "", "## Method", ""]
    for run in runs:
        lines += [f"### {run.label}", "", "| at | fault on the chart | activity | status |", "|---|---|---|---|"]
        began = timestamp(run.journal["start"])
        marks = {name: number for number, (_, name) in enumerate(run.faults, 1)}
        for entry in run.journal.get("run", []):
            name = entry["activity"]["name"]
            mark = marks.get(name, "")
            lines.append(f"| {timestamp(entry['start']) - began:.0f} s | {mark} | {name} | {entry.get('status')} |")
        for entry in run.journal.get("rollbacks", []):
            lines.append(f"| {timestamp(entry['start']) - began:.0f} s | | rollback: {entry['activity']['name']} | {entry.get('status')} |")
        lines.append("")
    return "\n".join(lines)


def write(out_dir, runs: list) -> bool:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    chart(runs, out / "chart.png")
    (out / "report.md").write_text(markdown(runs, "chart.png"))
    return all(run.verdict for run in runs)


def summary(out_dir, runs: list) -> int:
    """Writes the report, prints the verdicts; returns the exit code."""
    passed = write(out_dir, runs)
    for run in runs:
        print(f"{run.label}: {verdict_word(run.verdict)}")
        for name, tolerance, counted, met in run.invariants:
            print(f"  {verdict_word(met)}  {name}: {counted} (tolerance {json.dumps(tolerance)})")
    print(f"report: {Path(out_dir) / 'report.md'}")
    return 0 if passed else 1


def main(argv: list) -> int:
    out_dir, *journals = argv
    return summary(out_dir, [Run(Path(journal).parent.name, journal) for journal in journals])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
