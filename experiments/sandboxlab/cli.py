"""``./sandbox experiment``: runs an experiment file with Chaos Toolkit's ``chaos run``, then reports.

    python -m sandboxlab.cli --list
    python -m sandboxlab.cli --check-probes   (the probes' tests, on stores seeded in the running sandbox)
    python -m sandboxlab.cli <name> [--set key=value ...] [--compare key=a,b[,c]]

``--set design=<preset>`` takes the switch values of a preset the file names under
``extensions: [{name: sandbox, designs: {...}}]`` (each experiment has its naive design beside the
right one); any other ``key=value`` overrides one configuration value (``chaos run --var``).
``--compare`` runs the experiment once per value, back to back, and reports them side by side.
Each run's journal and log stay in ``reports/<name>-<timestamp>/<label>/``; the exit code is the verdict.
"""

import argparse
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import yaml

from . import report

EXPERIMENTS = Path(__file__).resolve().parents[1]
ROOT = EXPERIMENTS.parent


def experiment_files() -> dict:
    return {path.stem: path for path in sorted(EXPERIMENTS.glob("*.yaml"))}


def sandbox_extension(experiment: dict) -> dict:
    """The file's ``extensions: [{name: sandbox, ...}]``: its design presets, and how to run it."""
    for extension in experiment.get("extensions") or []:
        if extension.get("name") == "sandbox":
            return extension
    return {}


def designs(experiment: dict) -> dict:
    return sandbox_extension(experiment).get("designs") or {}


def list_experiments() -> int:
    """Each experiment: its hypothesis, its designs, what its method does, and what it counts."""
    for name, path in experiment_files().items():
        experiment = yaml.safe_load(path.read_text())
        print(f"{name}\n  hypothesis: {experiment['title']}")
        for preset, values in designs(experiment).items():
            print(f"  --set design={preset}: " + ", ".join(f"{k}={v}" for k, v in values.items()))
        steps = [activity["name"] for activity in experiment.get("method") or []
                 if activity.get("type") == "action" or not str(activity.get("name", "")).startswith("reconcile")]
        print("  method: " + "; ".join(steps))
        probes = (experiment.get("steady-state-hypothesis") or {}).get("probes") or []
        print("  invariants: " + "; ".join(f"{probe['name']} ({json.dumps(probe.get('tolerance'))})" for probe in probes))
        print()
    return 0


def variables(experiment: dict, pairs: list) -> dict:
    """key=value pairs as configuration values, a design preset expanded."""
    values = {}
    for pair in pairs:
        key, _, value = pair.partition("=")
        if not value:
            raise SystemExit(f"--set {pair}: expected key=value")
        if key == "design":
            presets = designs(experiment)
            if value not in presets:
                raise SystemExit(f"no design {value!r}; this experiment has: {', '.join(presets) or 'none'}")
            values.update({k: str(v) for k, v in presets[value].items()})
        else:
            if key not in (experiment.get("configuration") or {}):
                raise SystemExit(f"no setting {key!r}; settings: {', '.join(experiment.get('configuration') or {})}")
            values[key] = value
    return values


def chaos_run(path: Path, values: dict, out: Path, hypothesis_strategy: str = "default") -> Path:
    """``chaos run`` with the values, its progress shown as it goes; returns the journal's path.
    ``hypothesis_strategy``: ``after-method-only`` for an experiment whose hypothesis is a measurement
    (no fault to survive, nothing to check before)."""
    out.mkdir(parents=True, exist_ok=True)
    journal = out / "journal.json"
    # The script through this interpreter: its #! line names the path the environment was created
    # at, and a clone that shares .sandbox/tools with another has a different one.
    command = [sys.executable, str(Path(sys.executable).parent / "chaos"), "--log-file", str(out / "chaostoolkit.log"), "run",
               "--journal-path", str(journal), "--rollback-strategy", "always",
               "--hypothesis-strategy", hypothesis_strategy]
    for key, value in values.items():
        command += ["--var", f"{key}={value}"]
    command.append(str(path))
    environment = dict(os.environ, PYTHONPATH=str(EXPERIMENTS) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    subprocess.run(command, cwd=ROOT, env=environment)
    if not journal.exists():
        raise SystemExit(f"chaos run wrote no journal; see {out / 'chaostoolkit.log'}")
    return journal


def slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9.=-]+", "_", text)


def main(argv: list) -> int:
    parser = argparse.ArgumentParser(prog="./sandbox experiment")
    parser.add_argument("name", nargs="?")
    parser.add_argument("--list", action="store_true", help="describe the experiments")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE")
    parser.add_argument("--compare", metavar="KEY=A,B")
    parser.add_argument("--check-probes", action="store_true",
                        help="run the probes' tests against stores seeded with known losses and duplicates")
    args = parser.parse_args(argv)
    if args.check_probes:
        import pytest
        return pytest.main(["-q", "-p", "no:cacheprovider", "-W", "ignore::DeprecationWarning", str(EXPERIMENTS / "tests")])
    files = experiment_files()
    if args.list or not args.name:
        return list_experiments()
    if args.name not in files:
        raise SystemExit(f"no experiment {args.name!r}; experiments: {', '.join(files)}")
    path = files[args.name]
    experiment = yaml.safe_load(path.read_text())
    base = variables(experiment, args.set)
    runs = [(", ".join(args.set) or "as configured", base)]
    if args.compare:
        key, _, values = args.compare.partition("=")
        runs = [(f"{key}={value}", {**base, **variables(experiment, [f"{key}={value}"])}) for value in values.split(",")]
    out = ROOT / "reports" / f"{args.name}-{time.strftime('%Y%m%d-%H%M%S', time.gmtime())}"
    journals = []
    for label, values in runs:
        print(f"== {args.name}: {label}", flush=True)
        strategy = sandbox_extension(experiment).get("hypothesis_strategy", "default")
        journals.append(report.Run(label, chaos_run(path, values, out / slug(label), strategy)))
    return report.summary(out, journals)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
