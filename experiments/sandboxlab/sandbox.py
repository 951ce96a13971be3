"""How the package reaches the running sandbox: the ``./sandbox`` command and the addresses it gives.

Everything goes through ``./sandbox`` of this clone (or ``SANDBOXLAB_SANDBOX``, another command of
the same shape), under the run named by ``SANDBOX_RUN`` if set: the same sandbox the user started.
"""

import os
import shlex
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

#: When this experiment began: probes count what happened since (a chaos run is one process).
STARTED = float(os.environ.get("SANDBOXLAB_SINCE", time.time()))


def command() -> list:
    return shlex.split(os.environ.get("SANDBOXLAB_SANDBOX", str(ROOT / "sandbox")))


def run(*args: str, timeout: float = 300) -> str:
    """Runs ``./sandbox <args>``; returns its output, raises with it when the exit code is not 0."""
    done = subprocess.run(command() + list(args), cwd=ROOT, capture_output=True, text=True, timeout=timeout)
    if done.returncode != 0:
        raise RuntimeError(f"./sandbox {' '.join(args)} exited {done.returncode}:\n{done.stdout}{done.stderr}")
    return done.stdout


def environment(service: str) -> dict:
    """The environment ``service`` runs with (``./sandbox env``): the addresses of its stores."""
    env = {}
    for line in run("env", service, timeout=60).splitlines():
        if line.startswith("export ") and "=" in line:
            key, value = line[len("export "):].split("=", 1)
            env[key] = shlex.split(value)[0] if value else ""
    return env


def postgres_dsn(service: str) -> str:
    """A libpq connection string for the database of ``service``, from its JDBC URL."""
    env = environment(service)
    url = env["QUARKUS_DATASOURCE_JDBC_URL"]  # jdbc:postgresql://host:port/database
    host_port, database = url.split("//", 1)[1].split("/", 1)
    host, port = host_port.rsplit(":", 1)
    user = env.get("QUARKUS_DATASOURCE_USERNAME", "app")
    password = env.get("QUARKUS_DATASOURCE_PASSWORD", "")
    dsn = f"host={host} port={port} dbname={database.split('?')[0]} user={user}"
    return dsn + (f" password={password}" if password else "")


def kafka_bootstrap(service: str) -> str:
    return environment(service)["KAFKA_BOOTSTRAP_SERVERS"]


def address(component: str) -> str:
    """A component's address as ``./sandbox status`` prints it (a service's base URL, a broker's host:port)."""
    # status exits 1 while a component is not ready: the addresses are there all the same.
    done = subprocess.run(command() + ["status"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    for line in done.stdout.splitlines():
        fields = line.split()
        if fields and fields[0] == component and len(fields) >= 7:
            return fields[6]
    raise RuntimeError(f"{component} is not in ./sandbox status:\n{done.stdout}{done.stderr}")
