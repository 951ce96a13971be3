"""Replicas of the gateway on the running sandbox, and what one caller gets past its limit through them.

``start`` restarts the sandbox's gateway with the design (the algorithm of each route, where the
limits are counted, and one signing key for dev tokens) and starts more gateway processes beside
it: the same JVM command line as the sandbox's gateway (read from its process), the same
environment (``./sandbox env gateway``: the same Redis, signing key and upstreams), each on a free
port with a directory of its own. ``stop``, the rollback, stops them and brings the gateway back to
the sandbox's design. On Kubernetes the same two actions scale the gateway's Deployment (``kubectl
scale``) and back; its Service spreads the requests over the pods.

Where the limits are counted is the design:

* ``shared``: every replica on the one Redis: one count per caller and route, whichever replica
  decides (the gateway's design);
* ``per-replica``: each replica counts alone, in a Redis database of its own on the same server
  (``redis://host:port/<n>``). That is the naive design, limits kept in each instance's memory,
  without changing a line of the gateway: each replica admits the whole limit.

Counting (``counted``, ``counts``): the workload (``loadtests/k6/gateway-replicas.js``) sends one
caller's requests round robin over the replicas, on four routes, one algorithm each, and k6 counts
every answer in its samples (``metrics.csv``): ``replicas_admitted`` (anything but the limiter's 429;
an upstream's 404 is admitted all the same) and ``replicas_refused``, tagged with the route and the
index of the limit's window (``floor(epoch ms / W)``, the windows the gateway's scripts align to by
Redis' clock, on the same machine). A request sent in one window and answered in the next cannot be
placed: it is counted apart (``replicas_straddling``) and in no window; so is a 401 or 403
(``replicas_unauthorized``: a replica that could not read the token never asked its limiter). The
count of requests admitted past the limit is thus a lower bound, never a false one. Per window, what one shared limiter of
each algorithm may admit (``allowance``) is L for the fixed window, the sliding log and the
sliding-window counter (none admits more than L in an aligned window), and 2L for the token bucket
(a full bucket, L, plus what refills in one window, L). Past the limit = the sum over the windows
of what was admitted beyond that allowance.
"""

import csv
import os
import re
import shlex
import shutil
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections import defaultdict
from pathlib import Path

from . import actions, gateway, kubernetes, sandbox
from .toxiproxy import free_port

#: The route of each algorithm in the workload (every route the demo caller bob may use).
ALGORITHMS = {"orders": "fixed-window", "events": "sliding-log", "chat": "sliding-window-counter", "rag": "token-bucket"}

DESIGNS = ("shared", "per-replica")

#: The replicas this run started: {"processes": [(Popen, dir)], "urls": [...], "scaled_from": n}.
STATE = {}


def settings(counters: str, redis: str, algorithms: dict = None) -> dict:
    """The gateway's settings for a design: each route's algorithm and, counted per replica, the
    sandbox's gateway on Redis database 1 (its replicas take 2, 3...)."""
    if counters not in DESIGNS:
        raise ValueError(f"counters={counters}: expected one of {', '.join(DESIGNS)}")
    values = {f"GATEWAY_ROUTES_{route.upper()}_ALGORITHM": algorithm for route, algorithm in (algorithms or ALGORITHMS).items()}
    # What is measured is where the limits are counted, not a slow Redis (gateway-redis-latency's
    # question): on a loaded machine a decision may take longer than the 100 ms budget, and failing
    # open it would be admitted unlimited. The replicas' metrics count any that still were.
    values["GATEWAY_RATE_LIMIT_TIMEOUT"] = "5s"
    if counters == "per-replica":
        values["QUARKUS_REDIS_HOSTS"] = database(redis, 1)
    return values


def database(redis: str, number: int) -> str:
    """``redis://host:port`` (with or without a database) on database ``number``."""
    return re.sub(r"/\d*$", "", redis.rstrip("/")) + f"/{number}"


def signing_key() -> str:
    """A fresh RSA private key, PKCS#8, as one line of base64 (``openssl genpkey``)."""
    pem = subprocess.run(["openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"],
                         capture_output=True, text=True, timeout=60, check=True).stdout
    return "".join(line for line in pem.splitlines() if line and not line.startswith("-----"))


def command_line(pid: int) -> list:
    """The command line of a running process (Linux' /proc): the gateway's JVM, its options and its jar."""
    return [part.decode() for part in Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0") if part]


def gateway_pid() -> int:
    status = subprocess.run(sandbox.command() + ["status"], cwd=sandbox.ROOT, capture_output=True, text=True, timeout=300)
    row = re.search(r"(?m)^gateway +(\d+) ", status.stdout)
    if row is None:
        raise RuntimeError(f"the sandbox's gateway is not running:\n{status.stdout}{status.stderr}")
    return int(row.group(1))


def ready(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/q/health/ready", timeout=3) as response:
            return response.status == 200
    except (OSError, urllib.error.HTTPError):
        return False


def start(replicas: int = 3, counters: str = "shared", algorithms: dict = None, timeout: float = 300) -> dict:
    """The gateway with the design, and ``replicas - 1`` more processes of it, all ready; their
    URLs go to ``GATEWAY_REPLICAS`` for the workloads this run starts."""
    if actions.on_cluster():
        if counters != "shared":
            raise ValueError("counted per replica needs a Redis database per pod: on Kubernetes only counters=shared")
        return scale(replicas, settings(counters, "redis://redis:6379", algorithms))
    redis = database(sandbox.environment("gateway")["QUARKUS_REDIS_HOSTS"], 0)
    # One signing key for the dev tokens (a gateway makes its own at start-up otherwise): a caller's
    # token from one replica is then good at every replica, as it is on a cluster (a shared Secret).
    actions.set_design(["gateway"], {**settings(counters, redis, algorithms), "GATEWAY_AUTH_DEV_TOKENS_SIGNING_KEY": signing_key()})
    environment = sandbox.environment("gateway")
    urls = [sandbox.address("gateway")]
    java = command_line(gateway_pid())
    STATE["processes"] = []
    for index in range(2, int(replicas) + 1):
        port = free_port()
        home = sandbox.ROOT / ".sandbox" / "replicas" / f"gateway-{index}-{port}"
        (home / "tmp").mkdir(parents=True, exist_ok=True)
        own = {"QUARKUS_HTTP_PORT": str(port), "SANDBOX_NOTES_FILE": str(home / "notes.txt")}
        if counters == "per-replica":
            own["QUARKUS_REDIS_HOSTS"] = database(redis, index)
        argv = [f"-Djava.io.tmpdir={home / 'tmp'}" if part.startswith("-Djava.io.tmpdir=") else part for part in java]
        with open(home / "log", "w") as log:
            process = subprocess.Popen(argv, cwd=sandbox.ROOT, env={**os.environ, **environment, **own},
                                       stdout=log, stderr=subprocess.STDOUT)
        STATE["processes"].append((process, home))
        urls.append(f"http://{urllib.parse.urlsplit(urls[0]).hostname}:{port}")
    deadline = time.monotonic() + timeout
    for (process, home), url in zip(STATE["processes"], urls[1:]):
        while not ready(url):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the gateway replica on {url} did not get ready; its log: {home / 'log'}")
            time.sleep(0.5)
    STATE["urls"] = urls
    warm_up(urls)
    os.environ["GATEWAY_REPLICAS"] = ",".join(urls)
    return {"replicas": urls, "counters": counters, "algorithms": algorithms or ALGORITHMS,
            "command": shlex.join(java[:4]) + " ..."}


def warm_up(urls: list, requests: int = 5) -> None:
    """A few requests per route at each replica under another caller (alice, whose limits are her
    own): a cold replica's first decisions wait for its JIT and its Redis connections, and failing
    open they would pass unlimited, which is not what the experiment measures."""
    for url in urls:
        headers = {"Authorization": f"Bearer {gateway.token(url, 'alice')}"}
        for route in ALGORITHMS:
            for _ in range(requests):
                gateway.get(f"{url}/api/{route}/{uuid.uuid4()}", headers)


def stop() -> dict:
    """The rollback: the replicas stopped (SIGTERM, then SIGKILL after 30 s), the gateway back to the
    sandbox's design."""
    os.environ.pop("GATEWAY_REPLICAS", None)
    if actions.on_cluster():
        return unscale()
    stopped = []
    for process, home in STATE.pop("processes", []):
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(10)
        stopped.append(process.pid)
        shutil.rmtree(home / "tmp", ignore_errors=True)
    actions.reset_design(["gateway"])
    return {"stopped": stopped, "gateway": "the sandbox's design"}


def scale(replicas: int, values: dict) -> dict:
    """On Kubernetes: the design on the gateway's Deployment (a rollout), then ``replicas`` pods of it.
    ``per-replica`` there would need a database per pod: only the shared design is meant for a cluster."""
    STATE["scaled_from"] = int(kubernetes.kubectl("get", "deployment/gateway", "-o", "jsonpath={.spec.replicas}").strip() or 1)
    actions.set_design(["gateway"], values)
    kubernetes.kubectl("scale", "deployment/gateway", f"--replicas={int(replicas)}")
    kubernetes.kubectl("rollout", "status", "deployment/gateway", "--timeout=300s")
    return {"replicas": int(replicas), "target": "kubernetes", "settings": values}


def unscale() -> dict:
    replicas = STATE.pop("scaled_from", 1)
    kubernetes.kubectl("scale", "deployment/gateway", f"--replicas={replicas}")
    actions.reset_design(["gateway"])
    return {"replicas": replicas, "target": "kubernetes"}


def allowance(algorithm: str, limit: int) -> int:
    """The most one limiter shared by every replica may admit in an aligned window of the limit."""
    return 2 * limit if algorithm == "token-bucket" else limit


def samples(metrics_csv) -> list:
    """k6's samples of the workload's counters: (metric, tags, value); k6 writes a script's own
    tags in ``extra_tags`` as ``key=value&...``."""
    rows = []
    with open(metrics_csv, newline="") as file:
        for row in csv.DictReader(file):
            if row["metric_name"].startswith("replicas_"):
                tags = dict(urllib.parse.parse_qsl(row.get("extra_tags") or ""))
                tags.update({key: row[key] for key in ("route", "window", "replica") if row.get(key)})
                rows.append((row["metric_name"], tags, float(row["metric_value"])))
    return rows


def counted(rows: list, limit: int, algorithms: dict = None) -> dict:
    """Per route (one algorithm each): admitted, refused, straddling a window edge, not authenticated,
    admitted per window and per replica, the allowance per window, and admitted past it (``over_limit``)."""
    algorithms = algorithms or ALGORITHMS
    routes = {route: {"algorithm": algorithm, "admitted": 0, "refused": 0, "straddling": 0, "unauthorized": 0,
                      "windows": defaultdict(int), "per_replica": defaultdict(int)} for route, algorithm in algorithms.items()}
    for metric, tags, value in rows:
        route = routes.get(tags.get("route"))
        if route is None:
            continue
        kind = metric[len("replicas_"):]
        route[kind] = route.get(kind, 0) + int(value)
        if kind == "admitted":
            route["windows"][int(tags["window"])] += int(value)
            route["per_replica"][tags.get("replica", "?")] += int(value)
    for route in routes.values():
        most = allowance(route["algorithm"], int(limit))
        route.update(allowance=most, windows=dict(sorted(route["windows"].items())), per_replica=dict(sorted(route["per_replica"].items())),
                     most_in_a_window=max(route["windows"].values(), default=0),
                     over_limit=sum(max(0, admitted - most) for admitted in route["windows"].values()))
    return routes


#: What the last reconciliation counted, by route.
LAST = {}


def counts(limit: int = 120) -> dict:
    """The counts of the replicas workload this experiment ran (the last one to end)."""
    if actions.LAST_WORKLOAD.get("script") != "gateway-replicas":
        raise RuntimeError("no gateway-replicas workload has ended in this experiment yet")
    LAST.clear()
    LAST.update(counted(samples(Path(actions.LAST_WORKLOAD["report"]) / "metrics.csv"), limit))
    return LAST


def decisions(url: str) -> dict:
    """A replica's own count of its limiter's decisions, ``{"algorithm outcome": n}`` (its
    ``gateway_ratelimit_decisions_total``): which algorithm decided, and how much each replica decided."""
    with urllib.request.urlopen(f"{url}/q/metrics", timeout=30) as response:
        text = response.read().decode()
    found = {}
    for line in text.splitlines():
        if line.startswith("gateway_ratelimit_decisions_total{"):
            labels = dict(re.findall(r'(\w+)="([^"]*)"', line))
            if labels.get("route") in ALGORITHMS:
                # "name{labels} value [# exemplar]": the value is the first field after the labels.
                found[f"{labels['algorithm']} {labels['outcome']}"] = int(float(line.split("} ", 1)[1].split()[0]))
    return found
