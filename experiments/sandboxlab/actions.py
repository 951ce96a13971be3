"""The sandbox's actions: design switches, faults, and the workload, each a ``./sandbox`` command.

Every action returns what it did (it lands in the journal, and the report marks it on the chart).
One setting moves the designs and faults onto a Kubernetes cluster: ``SANDBOXLAB_TARGET=kubernetes``
(``target()``; ``sandboxlab.kubernetes`` says what each becomes there). The experiment files do not change.
"""

import os
import re
import subprocess
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from . import kubernetes, sandbox

TARGETS = ("sandbox", "kubernetes")

#: The settings set_design gave each service on a cluster, so that reset_design can remove them.
_cluster_designs = {}


def target() -> str:
    """Where the faults land: ``sandbox`` (this clone's running sandbox, the default) or ``kubernetes``."""
    name = os.environ.get("SANDBOXLAB_TARGET", "sandbox")
    if name not in TARGETS:
        raise ValueError(f"SANDBOXLAB_TARGET={name}: expected one of {', '.join(TARGETS)}")
    return name


def on_cluster() -> bool:
    return target() == "kubernetes"


def set_design(services: list, settings: dict, crash_points: dict = None) -> dict:
    """Restarts each service with ``settings`` (``./sandbox restart <s> --set K=V...``), all at once.
    The services keep them through later restarts, until ``reset_design``. ``crash_points`` arms,
    per service, a crash point (a setting such as ``ORDERS_CRASH_BEFORE_COMMIT``): the service halts
    (``Runtime.halt``, a kill -9 at the exact worst moment) the first time it reaches it;
    ``recover_from_halt`` waits for that and brings it back with the design alone."""
    crash_points = crash_points or {}
    if on_cluster():
        if crash_points:
            raise ValueError("crash points halt a process once; on Kubernetes its controller would restart it armed, in a loop")
        for service in services:
            kubernetes.set_service_env(service, settings)
            _cluster_designs[service] = sorted(settings)
        return {"services": services, "settings": settings, "target": "kubernetes"}
    pairs = [f"{key}={value}" for key, value in sorted(settings.items())]

    def restart_with_design(service):
        armed = [f"{crash_points[service]}=1"] if service in crash_points else []
        try:
            sandbox.run("restart", service, "--set", *pairs, *armed)
        except RuntimeError:
            # Armed, it may reach its crash point before it is reported ready (a backlog to process):
            # that is the fault asked for, and recover_from_halt brings it back.
            if not armed or running(service):
                raise

    with ThreadPoolExecutor(len(services)) as pool:
        list(pool.map(restart_with_design, services))
    return {"services": services, "settings": settings, "crash_points": crash_points}


def reset_design(services: list) -> dict:
    """Brings the services back to the sandbox's own design (``./sandbox restart <s> --defaults``)."""
    if on_cluster():
        for service in services:
            if _cluster_designs.get(service):
                kubernetes.unset_service_env(service, _cluster_designs.pop(service))
        return {"services": services, "settings": "defaults", "target": "kubernetes"}
    with ThreadPoolExecutor(len(services)) as pool:
        list(pool.map(lambda service: sandbox.run("restart", service, "--defaults"), services))
    return {"services": services, "settings": "defaults"}


def kill(component: str) -> str:
    """SIGKILL to the component and its children: no shutdown hook, no flush."""
    if on_cluster():
        return kubernetes.kill(component)
    return sandbox.run("kill", component).strip()


def pause(component: str) -> str:
    """SIGSTOP: connections stay open, nothing answers."""
    if on_cluster():
        return kubernetes.pause(component)
    return sandbox.run("pause", component).strip()


def resume(component: str) -> str:
    if on_cluster():
        return kubernetes.resume(component)
    return sandbox.run("resume", component).strip()


def restart(component: str) -> str:
    """Start again on the same port with the same data (and, for a service, the same settings); waits until ready."""
    if on_cluster():
        return kubernetes.restart(component)
    return sandbox.run("restart", component).strip().splitlines()[-1]


def ensure_running(component: str) -> str:
    """Restarts the component if it is not running (a rollback that leaves a healthy component alone)."""
    if running(component):
        return f"{component}: running"
    return restart(component)


def running(component: str) -> bool:
    """Whether the component has a live process (``./sandbox status`` shows its pid)."""
    if on_cluster():
        return kubernetes.running(component)
    # Status checks every component's readiness: slow on a loaded machine, so a generous timeout.
    done = subprocess.run(sandbox.command() + ["status"], cwd=sandbox.ROOT, capture_output=True, text=True, timeout=300)
    row = re.search(rf"(?m)^{re.escape(component)} +(\d+|-) +\S+ +(yes|no|down)", done.stdout)
    return row is not None and row.group(1) != "-"


def recover_from_halt(service: str, settings: dict, timeout: float = 180) -> dict:
    """Waits until the service has halted at its armed crash point, then starts it again with its
    design alone (``settings``). Fails if it never halts: the fault did not happen."""
    pairs = [f"{key}={value}" for key, value in sorted(settings.items())]
    began = time.time()
    deadline = time.monotonic() + timeout
    while running(service):
        if time.monotonic() > deadline:
            sandbox.run("restart", service, "--set", *pairs)
            raise TimeoutError(f"{service} did not reach its crash point in {timeout} s (was there load?)")
        time.sleep(1)
    halted = time.time()
    sandbox.run("restart", service, "--set", *pairs)
    return {"service": service, "halted_after_s": round(halted - began, 1), "back_after_s": round(time.time() - halted, 1)}


#: What the last workload to end returned (the probes that read k6's own counts look there).
LAST_WORKLOAD = {}

#: Workloads running in the background (``background: true``), for ``await_workloads``.
_workloads = {"running": 0, "condition": threading.Condition()}


class workload:
    """Marks a background workload as running while its ``with`` block runs."""

    def __enter__(self):
        with _workloads["condition"]:
            _workloads["running"] += 1

    def __exit__(self, *exception):
        with _workloads["condition"]:
            _workloads["running"] -= 1
            _workloads["condition"].notify_all()


def await_workloads(timeout: float = 1800) -> dict:
    """Waits until the background workloads have ended: the reconciliation after it counts a pipeline
    that nothing feeds any more (Chaos Toolkit itself waits for them only after the method)."""
    began = time.monotonic()
    with _workloads["condition"]:
        if not _workloads["condition"].wait_for(lambda: _workloads["running"] == 0, timeout):
            raise TimeoutError(f"the workloads still ran after {timeout} s")
    return {"waited_s": round(time.monotonic() - began, 1)}


def run_workload(script: str, profile: str = "smoke", duration: str = None, vus: int = None) -> dict:
    """Runs a k6 script against the sandbox (``./sandbox load``) until it ends; meant to run in the
    background (``background: true``) while the method breaks things. k6 failing its thresholds under
    faults is a measurement, not an error: the exit code is returned, with the report's directory."""
    args = ["load", script, "--profile", profile]
    if duration:
        args += ["--duration", str(duration)]
    if vus:
        args += ["--vus", str(vus)]
    began = time.time()
    with workload():
        done = subprocess.run(sandbox.command() + args, cwd=sandbox.ROOT, capture_output=True, text=True)
    lines = done.stdout.strip().splitlines()
    report = lines[-1][len("report: "):].strip() if lines and lines[-1].startswith("report: ") else None
    if report is None:
        raise RuntimeError(f"./sandbox {' '.join(args)} printed no report (exit {done.returncode}):\n{done.stdout}{done.stderr}")
    LAST_WORKLOAD.clear()
    LAST_WORKLOAD.update(script=script, profile=profile, exit_code=done.returncode, report=report, started=began,
                         ended=time.time())
    return dict(LAST_WORKLOAD)
