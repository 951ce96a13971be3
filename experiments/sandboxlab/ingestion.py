"""Ingestion's invariants, counted as ingestion-service's own no-loss test counts them.

The workload is this module's own uploader (``upload_events``), because the invariants need to know
exactly which events were accepted: it posts NDJSON batches of events whose ids and timestamps
are the experiment's own, retrying 408, 429, 503 and dropped connections as a careful client does,
and remembers every id answered 202. Then:

* lost: accepted ids that never reach the events table once the sink has caught up;
* counted twice: per-minute counts (``event_counts``) above a recount of the stored events, over
  the minutes of the experiment's timestamps (a redelivered record must add nothing);
* stored: accepted ids that are in the table (for the report).
"""

import json
import random
import threading
import time
import urllib.error
import urllib.request
from datetime import datetime, timedelta, timezone

from . import actions, sandbox, stores

SERVICE = "ingestion-service"
TYPES = ("click", "view", "buy", "scroll", "share")


class Uploads:
    """What the uploader of this experiment sent and had accepted; its timestamps are a window of
    minutes no one else uses (a random minute of 2001), so counts over them are this run's alone."""

    def __init__(self):
        self.run = f"x{random.randrange(16 ** 8):08x}"
        self.window_start = datetime(2001, 1, 1, tzinfo=timezone.utc) + timedelta(minutes=random.randrange(500_000))
        self.window = timedelta(minutes=20)
        self.accepted = set()
        self.posted = self.retries = self.batches = 0
        self.lock = threading.Lock()


UPLOADS = Uploads()


def batch(uploads: Uploads, number: int, size: int):
    lines, ids = [], []
    for i in range(size):
        event_id = f"{uploads.run}-{number}-{i}"
        ts = uploads.window_start + timedelta(seconds=(number * 7 + i) % int(uploads.window.total_seconds()))
        lines.append(json.dumps({"id": event_id, "type": TYPES[(number + i) % len(TYPES)], "source": f"src-{i % 16}",
                                 "ts": ts.strftime("%Y-%m-%dT%H:%M:%SZ"), "payload": {"i": i}}))
        ids.append(event_id)
    return ("\n".join(lines) + "\n").encode(), ids


def post_until_accepted(url: str, body: bytes, ids: list, uploads: Uploads, give_up_at: float) -> bool:
    while time.monotonic() < give_up_at:
        request = urllib.request.Request(url + "/events", data=body, method="POST",
                                         headers={"Content-Type": "application/x-ndjson"})
        with uploads.lock:
            uploads.posted += len(ids)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                if response.status == 202:
                    with uploads.lock:
                        uploads.accepted.update(ids)
                    return True
        except urllib.error.HTTPError as error:
            if error.code not in (408, 429, 503):
                raise RuntimeError(f"upload answered {error.code}: {error.read()[:300]!r}") from error
        except OSError:
            pass  # refused, reset, timed out: the service or the broker is down; try again
        with uploads.lock:
            uploads.retries += 1
        time.sleep(1)
    return False


def upload_events(duration: float = 60, batches_per_second: float = 2, batch_size: int = 200, clients: int = 2) -> dict:
    """Uploads batches for ``duration`` seconds at a steady pace; each batch is retried until it is
    accepted (for at most a minute past the end). Returns what was sent and accepted."""
    url = sandbox.environment("gateway")["INGESTION_SERVICE_URL"]
    uploads, began = UPLOADS, time.monotonic()
    numbers = iter(range(10 ** 9))
    lock = threading.Lock()

    def client():
        while True:
            with lock:
                number = next(numbers)
            due = began + number / float(batches_per_second)
            if due - began >= float(duration):
                return
            time.sleep(max(0.0, due - time.monotonic()))
            body, ids = batch(uploads, number, int(batch_size))
            post_until_accepted(url, body, ids, uploads, began + float(duration) + 60)
            with uploads.lock:
                uploads.batches += 1

    threads = [threading.Thread(target=client) for _ in range(int(clients))]
    with actions.workload():
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    return {"run": uploads.run, "batches": uploads.batches, "accepted": len(uploads.accepted),
            "posted": uploads.posted, "retries": uploads.retries}


def reconcile(dsn: str, accepted: set, window_start: datetime, window_end: datetime, settle: float = 600,
              quiet: float = 60, poll: float = 1.0) -> dict:
    """Waits until every accepted id is stored, or nothing changed for ``quiet`` seconds (at most
    ``settle``), then counts."""
    def stored_ids():
        rows = stores.query(dsn, "SELECT id FROM events WHERE ts >= %s AND ts < %s", (window_start, window_end))
        return {row[0] for row in rows}

    deadline = time.monotonic() + settle
    last, unchanged_since = None, time.monotonic()
    while time.monotonic() < deadline:
        stored = stored_ids()
        if accepted <= stored:
            break
        if len(stored) != last:
            last, unchanged_since = len(stored), time.monotonic()
        elif time.monotonic() - unchanged_since >= quiet:
            break
        time.sleep(poll)
    stored = stored_ids()
    over = stores.count(dsn, """
        SELECT coalesce(sum(greatest(c.count - coalesce(r.count, 0), 0)), 0) FROM event_counts c
        LEFT JOIN (SELECT type, date_trunc('minute', ts, 'UTC') AS minute, count(*) AS count FROM events
                   WHERE ts >= %s AND ts < %s GROUP BY 1, 2) r ON r.type = c.type AND r.minute = c.minute
        WHERE c.minute >= %s AND c.minute < %s""", (window_start, window_end, window_start, window_end))
    return {"accepted": len(accepted), "stored": len(accepted & stored), "lost": len(accepted - stored),
            "counted_twice": over}


_last = {"at": 0.0, "counts": None}


def counts(settle: float = 600) -> dict:
    if _last["counts"] is None or time.monotonic() - _last["at"] > 20:
        uploads = UPLOADS
        _last["counts"] = reconcile(sandbox.postgres_dsn(SERVICE), set(uploads.accepted), uploads.window_start,
                                    uploads.window_start + uploads.window, settle)
        _last["at"] = time.monotonic()
    return _last["counts"]
