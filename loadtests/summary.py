"""The one table of `./sandbox bench` with no name: every benchmark's headline figures, as markdown
and as a PNG bar chart.

usage: summary.py <dir>
reads  <dir>/ratios.tsv  bench, name, value, unit, command, detail (tab-separated, one figure a line;
                         unit "x" marks a ratio)
       <dir>/runs.tsv    bench, exit code, seconds, report directory (one line per benchmark run)
writes <dir>/summary.md and <dir>/summary.png
"""
import csv
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def read(path, fields):
    if not path.exists():
        return []
    with path.open(newline="") as f:
        return [dict(zip(fields, row)) for row in csv.reader(f, delimiter="\t") if row]


def figures(directory):
    rows = read(directory / "ratios.tsv", ["bench", "name", "value", "unit", "command", "detail"])
    for row in rows:
        row["value"] = float(row["value"])
    return rows


def shown(row):
    return f"{row['value']:.2f}x" if row["unit"] == "x" else f"{row['value']:g} {row['unit']}"


def markdown(rows, runs, charted):
    lines = [
        "# Benchmarks: the ratios",
        "",
        "Each benchmark's headline figures, side by side: a ratio compares the sandbox's design with the",
        "plain tool doing the same work on the same machine (1.00x: no cost at all), so it says more than",
        "an absolute figure on a shared machine. Each row names the command that reproduces it.",
        "",
        "| benchmark | figure | value | measured | reproduce |",
        "|---|---|---:|---|---|",
    ]
    for row in rows:
        lines.append(f"| {row['bench']} | {row['name']} | {shown(row)} | {row.get('detail') or ''} | `{row['command']}` |")
    failed = [run for run in runs if run["code"] != "0"]
    if runs:
        lines += ["", "| benchmark run | exit code | seconds | report |", "|---|---:|---:|---|"]
        lines += [f"| {run['bench']} | {run['code']} | {run['seconds']} | {run['report']} |" for run in runs]
    if failed:
        lines += ["", f"Failed, so their figures are missing: {', '.join(run['bench'] for run in failed)} (see their logs)."]
    lines += ["", "![the ratios](summary.png)", ""] if charted else [""]
    return "\n".join(lines)


def chart(rows, path):
    ratios = [row for row in rows if row["unit"] == "x"]
    # Absolute figures, one panel per unit: seconds beside megabytes would be invisible.
    units = sorted({row["unit"] for row in rows} - {"x"})
    panels = [panel for panel in [ratios] + [[row for row in rows if row["unit"] == unit] for unit in units] if panel]
    if not panels:
        return False
    fig, axes = plt.subplots(len(panels), 1, squeeze=False,
                             figsize=(10, 1.2 + 0.45 * sum(len(panel) for panel in panels) + 0.8 * len(panels)),
                             gridspec_kw={"height_ratios": [max(1, len(panel)) for panel in panels]})
    for ax, panel in zip(axes[:, 0], panels):
        labels = [f"{row['bench']}: {row['name']}" for row in panel]
        values = [row["value"] for row in panel]
        ax.barh(labels, values, color="#36c" if panel is ratios else "#999")
        ax.invert_yaxis()
        for y, row in enumerate(panel):
            ax.annotate(shown(row), (row["value"], y), xytext=(4, 0), textcoords="offset points", va="center", fontsize=8)
        if panel is ratios:
            ax.axvline(1.0, color="black", linewidth=0.8)
            if max(values) / max(min(values), 1e-9) > 20:
                ax.set_xscale("log")
            ax.set_title("ratios (1.0 = the same as the plain tool or the naive design)")
        else:
            ax.set_title(f"absolute figures ({panel[0]['unit']})")
        ax.tick_params(axis="y", labelsize=8)
        ax.margins(x=0.15)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return True


def main(directory):
    directory = Path(directory)
    rows = figures(directory)
    runs = read(directory / "runs.tsv", ["bench", "code", "seconds", "report"])
    charted = chart(rows, directory / "summary.png")
    (directory / "summary.md").write_text(markdown(rows, runs, charted))
    print((directory / "summary.md").read_text())


if __name__ == "__main__":
    main(sys.argv[1])
