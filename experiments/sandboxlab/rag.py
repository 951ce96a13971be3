"""RAG's retrieval, measured on the running service the way rag-service's own eval measures it.

The eval set is rag-service's (``src/test/resources/eval/questions.tsv``): questions written over
the project's docs, each with the document and the section that answers it. The sandbox's
rag-service ingests those docs at start (ids ``docs-<file>``), so every question is asked of it,
through the gateway, once per retrieval mode (``answer: none``: retrieval only). A hit is relevant
when it is a chunk of that document under that heading. Per mode:

* recall@5: share of questions with a relevant chunk among the first 5;
* MRR@10: mean of 1/rank of the first relevant chunk among the first 10 (0 when none);
* shortfall: how far a mode's MRR@10 is below the best mode's (0 for the best): the verdict.
"""

import json
import time
import urllib.error
import urllib.request

from . import sandbox

MODES = ("bm25", "vector", "hybrid")
QUESTIONS = sandbox.ROOT / "rag-service/src/test/resources/eval/questions.tsv"


def questions(path=QUESTIONS) -> list:
    """(question, document file, section) per line; # lines are comments."""
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            text, document, section = line.split("\t")[:3]
            rows.append((text, document, section))
    return rows


def first_relevant(citations: list, document: str, section: str) -> int:
    """The 1-based rank of the first citation from ``document`` under ``section``; 0 if none."""
    for rank, citation in enumerate(citations, 1):
        if citation.get("documentId") in (document, f"docs-{document}") and section in (citation.get("section") or ""):
            return rank
    return 0


def scores(ranks: list) -> dict:
    """recall@5 and MRR@10 of the first relevant ranks (0: not found)."""
    if not ranks:
        return {"recall_at_5": 0.0, "mrr_at_10": 0.0}
    return {"recall_at_5": round(sum(1 for r in ranks if 0 < r <= 5) / len(ranks), 3),
            "mrr_at_10": round(sum(1.0 / r for r in ranks if 0 < r <= 10) / len(ranks), 3)}


def shortfalls(by_mode: dict, metric: str = "mrr_at_10") -> dict:
    """How far each mode is below the best one on ``metric``."""
    best = max(figures[metric] for figures in by_mode.values())
    return {mode: round(best - figures[metric], 3) for mode, figures in by_mode.items()}


def post(url: str, body: dict, headers: dict, attempts: int = 10) -> dict:
    """POSTs JSON; a 429, 503 or 504 (a cold or busy service) waits its Retry-After and tries again."""
    for attempt in range(attempts):
        request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",
                                         headers={"Content-Type": "application/json", **headers})
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return json.loads(response.read())
        except urllib.error.HTTPError as error:
            if error.code not in (429, 503, 504) or attempt == attempts - 1:
                raise RuntimeError(f"{url} answered {error.code}: {error.read()[:300]!r}") from error
            time.sleep(float(error.headers.get("Retry-After") or 2))
    raise AssertionError("unreachable")


def evaluate(gateway: str, modes=MODES, rows=None) -> dict:
    """Every question once per mode, through the gateway as the demo user alice: figures per mode.
    Each mode is warmed up first (the model loads on first use), and the modes take turns question
    by question, so that a busy moment of the machine falls on all of them alike."""
    token = post(f"{gateway}/auth/token", {"username": "alice"}, {})["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    rows = rows or questions()
    ask = lambda text, mode: post(f"{gateway}/api/rag/query", {"question": text, "mode": mode, "k": 10, "answer": "none"}, headers)
    for mode in modes:
        ask(rows[0][0], mode)
    ranks = {mode: [] for mode in modes}
    durations = {mode: [] for mode in modes}
    for text, document, section in rows:
        for mode in modes:
            began = time.monotonic()
            answer = ask(text, mode)
            durations[mode].append((time.monotonic() - began) * 1000)
            ranks[mode].append(first_relevant(answer.get("citations") or [], document, section))
    by_mode = {}
    for mode in modes:
        ordered = sorted(durations[mode])
        by_mode[mode] = {**scores(ranks[mode]), "questions": len(rows), "not_found": ranks[mode].count(0),
                         "p50_ms": round(ordered[len(ordered) // 2], 1)}
    return by_mode


_last = {"figures": None}


def figures() -> dict:
    """The eval of every mode on the running sandbox, measured once per experiment run."""
    if _last["figures"] is None:
        by_mode = evaluate(sandbox.address("gateway"))
        _last["figures"] = {"modes": by_mode, "shortfall": shortfalls(by_mode)}
    return _last["figures"]
