"""The gateway's rate limit, counted from a caller's side while the limiter's Redis is made slow.

``burst`` is one demo caller (a dev token of the gateway's) sending more requests than its tier
allows in one window, one after another, through a route it may use; every answer is kept. Then:

* admitted: answers that were not the limiter's refusal (429, or 503 when it fails closed); an
  upstream's 404 is admitted all the same: the limiter let it through;
* over the limit: admitted beyond the tier's limit in that window (0 when the limit held);
* refused within the limit: of the first ``limit`` requests, those refused (what failing closed costs).
"""

import json
import subprocess
import time
import urllib.error
import urllib.request
import uuid

from . import sandbox

#: What the last burst counted, for the probes.
LAST = {}


def token(gateway: str, user: str) -> str:
    request = urllib.request.Request(f"{gateway}/auth/token", data=json.dumps({"username": user}).encode(),
                                     method="POST", headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())["access_token"]


def get(url: str, headers: dict) -> tuple:
    began = time.monotonic()
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=30) as response:
            status = response.status
    except urllib.error.HTTPError as error:
        status = error.code
    return status, (time.monotonic() - began) * 1000


def count(statuses: list, limit: int) -> dict:
    """The counts of a burst from its answers' statuses, in the order sent."""
    refused = [status in (429, 503) for status in statuses]
    admitted = refused.count(False)
    return {"sent": len(statuses), "admitted": admitted, "refused": refused.count(True), "limit": limit,
            "over_limit": max(0, admitted - limit), "refused_within_limit": sum(refused[:limit])}


def reset_limit(route: str, user: str) -> None:
    """Forgets what the caller has used of its limit on ``route`` (every algorithm's key), so that a
    burst starts with the whole limit, whatever ran before (``redis-cli``, of the Redis packages)."""
    redis = sandbox.address("redis")
    keys = subprocess.run(["redis-cli", "-u", redis, "--scan", "--pattern", f"gateway:rl:{{{route}:user:{user}}}:*"],
                          capture_output=True, text=True, timeout=60, check=True).stdout.split()
    if keys:
        subprocess.run(["redis-cli", "-u", redis, "DEL", *keys], capture_output=True, timeout=60, check=True)


def burst(requests: int = 160, limit: int = 120, user: str = "eve", route: str = "events", path: str = "/api/events/") -> dict:
    """``requests`` GETs as ``user`` (a tier of ``limit`` per window) to ``path`` + a fresh id, the
    caller's use of ``route``'s limit reset first."""
    gateway = sandbox.address("gateway")
    headers = {"Authorization": f"Bearer {token(gateway, user)}"}
    reset_limit(route, user)
    statuses, durations = [], []
    for _ in range(int(requests)):
        status, duration = get(f"{gateway}{path}{uuid.uuid4()}", headers)
        statuses.append(status)
        durations.append(duration)
    durations.sort()
    LAST.clear()
    LAST.update(count(statuses, int(limit)), p50_ms=round(durations[len(durations) // 2], 1),
                p99_ms=round(durations[min(len(durations) - 1, int(0.99 * len(durations)))], 1),
                statuses={str(s): statuses.count(s) for s in sorted(set(statuses))})
    return dict(LAST)
