"""Chat's invariants, counted by the clients themselves: the k6 chat workload (``loadtests/k6/chat.js``)
checks every message it receives against the room's seq, across reconnects, and counts

* gaps: seqs a member never received (a hole the replay after ``lastSeq`` should have filled);
* duplicates: seqs a member received twice (a replay that overlapped what was already delivered);
* replayed, resumes: what the resume protocol did (for the report).

They are read from the workload's k6 summary once it has ended (``actions.await_workloads``).
A counter that never counted is absent from k6's summary: it is 0.
"""

import json
from pathlib import Path

from . import actions

COUNTERS = ("chat_gaps", "chat_duplicates", "chat_replayed", "chat_resumes", "chat_fanout_received", "chat_resent")


def counted(report_dir) -> dict:
    """The chat counters of one k6 run's ``summary.json``, by name."""
    metrics = json.loads((Path(report_dir) / "summary.json").read_text()).get("metrics", {})
    return {name: int(metrics.get(name, {}).get("values", {}).get("count", 0)) for name in COUNTERS}


def counts() -> dict:
    """The counters of the chat workload this experiment ran (the last one to end)."""
    if actions.LAST_WORKLOAD.get("script") != "chat":
        raise RuntimeError("no chat workload has ended in this experiment yet")
    return counted(actions.LAST_WORKLOAD["report"])
