"""./sandbox bench rag, the service half: ingest a corpus through the API and time it until every
document is indexed (chunks/s), then time queries one after another (p50/p99 per mode).
Usage: bench.py API GATEWAY CORPUS_DIR PAGES QUERIES OUT_JSON [WARMUP_PAGES]

A client that holds on for the whole PostgreSQL manual (an hour or more on a crowded machine) must
do what any long-lived client does: take a new token when the old one expires (401), wait and send
again when the service says so (503 or 429 with Retry-After; a document is idempotent by content,
so sending it again is safe), and reconnect when a kept-alive connection drops. Any other answer
stops the bench with the service's problem+json: a document is never dropped without a word."""
import http.client, json, math, os, subprocess, sys, time, urllib.parse

api, gateway, corpus, pages, queries, out = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]), sys.argv[6]
warmup_pages = int(sys.argv[7]) if len(sys.argv) > 7 else 0
# One kept-alive connection, as any real client holds: a query's time is the service's, not a TCP handshake's.
connection = http.client.HTTPConnection(urllib.parse.urlsplit(api).netloc, timeout=120)
token = None


def say(message):
    print("[bench rag] " + message, file=sys.stderr, flush=True)


def new_token():
    """A dev token for bob (scope rag) from the gateway; it lives an hour."""
    host = urllib.parse.urlsplit(gateway).netloc
    for attempt in range(10):
        try:
            c = http.client.HTTPConnection(host, timeout=30)
            c.request("POST", "/auth/token", body=json.dumps({"username": "bob"}), headers={"Content-Type": "application/json"})
            resp = c.getresponse()
            answer = json.loads(resp.read() or b"null")
            c.close()
            if resp.status == 200:
                return answer.get("access_token") or answer.get("token")
            say(f"the gateway's token endpoint answered {resp.status}: {answer}")
        except (http.client.HTTPException, OSError) as e:
            say(f"the gateway's token endpoint: {e!r}")
        time.sleep(2)
    sys.exit("no token from the gateway")


def call(method, path, body=None, content_type="application/json"):
    global token
    data = body if isinstance(body, bytes) or body is None else json.dumps(body).encode()
    for attempt in range(20):
        if token is None:
            token = new_token()
        try:
            connection.request(method, path, body=data, headers={"Authorization": "Bearer " + token, "Content-Type": content_type})
            resp = connection.getresponse()
            raw = resp.read()
        except (http.client.HTTPException, OSError) as e:
            # A dropped or timed-out connection: open a new one and send again.
            say(f"{method} {path}: {e!r}; reconnecting")
            connection.close()
            time.sleep(1)
            continue
        try:
            answer = json.loads(raw or b"null")
        except ValueError:
            answer = raw[:300].decode("utf-8", "replace")
        if resp.status == 401:
            say(f"{method} {path}: 401 {answer.get('detail') if isinstance(answer, dict) else answer}; taking a new token")
            token = None
            continue
        if resp.status in (429, 503):
            pause = float(resp.getheader("Retry-After") or 1)
            say(f"{method} {path}: {resp.status} {answer.get('type') if isinstance(answer, dict) else answer}; again in {pause:g} s")
            time.sleep(pause)
            continue
        return resp.status, answer
    sys.exit(f"{method} {path}: no answer after 20 attempts")


def queued_documents():
    """How many documents the service still has queued (the docs/ it seeds at start, before the bench's)."""
    count, cursor = 0, ""
    while True:
        status, page = call("GET", "/rag/documents?limit=500" + ("&cursor=" + urllib.parse.quote(cursor) if cursor else ""))
        if status != 200:
            sys.exit(f"GET /rag/documents: {status} {page}")
        count += sum(1 for item in page["items"] if item["status"] == "queued")
        if not page["next"]:
            return count
        cursor = page["next"]


PIDS = {}


def component_pids():
    """Each running component of the sandbox and its pid, asked of ./sandbox status once: the command
    starts a JVM, which inside the timed window would take a second and its CPU from the ingest."""
    if not PIDS:
        status = subprocess.run([os.path.join(os.environ["SANDBOX_ROOT"], "sandbox"), "status"], capture_output=True, text=True).stdout
        PIDS.update({fields[0]: fields[1] for fields in (line.split() for line in status.splitlines()[1:])
                     if len(fields) > 1 and fields[1].isdigit()})
    return PIDS


def service_pid():
    return component_pids()["rag-service"]


def stat_of(stat_file):
    """The name, parent pid and CPU seconds (user + system) in a /proc stat file."""
    with open(stat_file) as f:
        text = f.read()
    fields = text.rsplit(")", 1)[1].split()
    return text[text.index("(") + 1:text.rindex(")")], fields[1], (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cpu_of(stat_file):
    """The name and CPU seconds (user + system) in a /proc stat file."""
    name, _, cpu = stat_of(stat_file)
    return name, cpu


def service_cpu_seconds():
    """rag-service's CPU time so far (user + system, all its threads), from /proc; None if not found.
    On a shared machine CPU time per chunk moves far less between runs than chunks per second."""
    try:
        return cpu_of(f"/proc/{service_pid()}/stat")[1]
    except (KeyError, StopIteration, OSError, ValueError, IndexError):
        return None


# Thread names as /proc shows them (cut at 15 characters), in groups of what they do.
GROUPS = [("embed-", "the model (embedding threads)"), ("C2 Compiler", "JIT (C2)"), ("C1 Compiler", "JIT (C1)"),
          ("rag-ingest-work", "ingest workers (parse, chunk, Lucene write, commit)"),
          ("executor-thread", "HTTP worker threads (the POSTs, status polls)"), ("vert.x-eventloo", "event loops (HTTP, Redis)"),
          ("Lucene Merge", "Lucene merges"), ("VM Thread", "GC and safepoints (VM Thread)")]


def threads_cpu():
    """The process' CPU seconds and, per live thread id, its name and CPU seconds; None if not found."""
    try:
        pid = service_pid()
        threads = {}
        for task in os.listdir(f"/proc/{pid}/task"):
            try:
                threads[task] = cpu_of(f"/proc/{pid}/task/{task}/stat")
            except OSError:
                continue  # ended meanwhile
        return cpu_of(f"/proc/{pid}/stat")[1], threads
    except (KeyError, StopIteration, OSError, ValueError, IndexError):
        return None


def cpu_shares(before, after):
    """Where the service's CPU went between two threads_cpu() readings, per group of threads. What
    threads that ended meanwhile (Lucene's merge threads, idle HTTP threads) spent shows only in the
    process' total: it is the total less what the live threads spent."""
    if before is None or after is None:
        return None
    shares = {}
    for task, (name, cpu) in after[1].items():
        group = next((label for prefix, label in GROUPS if name.startswith(prefix)), "the rest")
        shares[group] = shares.get(group, 0) + cpu - before[1].get(task, (name, 0))[1]
    shares["threads that ended meanwhile (merges, HTTP threads)"] = after[0] - before[0] - sum(shares.values())
    return {group: round(cpu, 1) for group, cpu in sorted(shares.items(), key=lambda kv: -kv[1]) if abs(cpu) >= 0.05}


def machine_cpu():
    """CPU seconds so far: the machine's busy time (all cores, /proc/stat), each component's, and this
    client's, and what the host took (steal). The service and its model share two cores with
    everything else the sandbox runs; what the others take during the ingest or the queries is what
    the service's threads could not have."""
    try:
        with open("/proc/stat") as f:
            fields = [int(x) for x in f.readline().split()[1:]]
        busy = (sum(fields[:8]) - fields[3] - fields[4]) / os.sysconf("SC_CLK_TCK")  # all but idle and iowait
        # A virtual machine's cores can be taken by the host for its other guests: no process here spent it.
        stolen = fields[7] / os.sysconf("SC_CLK_TCK")
        # A component is its process and its children (a server's script starts the server itself).
        parent, cpu = {}, {}
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    _, parent[entry], cpu[entry] = stat_of(f"/proc/{entry}/stat")
                except (OSError, IndexError):
                    continue  # ended meanwhile
        per = {}
        for name, pid in component_pids().items():
            tree, grown = {pid}, True
            while grown:
                more = {child for child, up in parent.items() if up in tree} - tree
                tree |= more
                grown = bool(more)
            per[name] = sum(cpu.get(p, 0) for p in tree)
        per["the bench's client"] = sum(os.times()[:2])
        per["stolen by the host (steal time)"] = stolen
        return busy, per
    except (OSError, ValueError, IndexError):
        return None


def machine_shares(before, after, seconds):
    """Cores each component used on average between two machine_cpu() readings; the rest is the
    kernel and processes outside the sandbox."""
    if before is None or after is None:
        return None
    cores = {name: (cpu - before[1].get(name, 0)) / seconds for name, cpu in after[1].items()}
    cores["the rest (kernel, other processes)"] = (after[0] - before[0]) / seconds - sum(cores.values())
    cores["the machine, busy"] = (after[0] - before[0]) / seconds
    return {name: round(c, 2) for name, c in sorted(cores.items(), key=lambda kv: -kv[1])}


# The service ingests the project's docs/ when it starts: the bench waits for that to finish, so that
# the timed ingest is the corpus's alone.
said = None
while (left := queued_documents()) > 0:
    if left != said:
        say(f"waiting for the service's own seed documents ({left} queued)")
        said = left
    time.sleep(2)

def ingest(files, start):
    """Posts the pages one after another, then waits until all are indexed: (ids, chunks, failed)."""
    ids = []
    for n, name in enumerate(files, 1):
        with open(os.path.join(corpus, name), "rb") as f:
            body = f.read()
        kind = "text/html" if name.endswith(".html") else "text/markdown"
        status, answer = call("POST", "/rag/documents?title=" + urllib.parse.quote(name), body, kind)
        if status != 202:
            sys.exit(f"POST {name}: {status} {answer}")
        ids.append(answer["documentId"])
        if n % 100 == 0:
            say(f"{n} of {len(files)} pages posted ({time.time() - start:.0f} s)")
    # Waiting for the documents in the order they were sent, asking about the oldest still queued: a few
    # status requests per document, so that polling takes little from the ingest it measures, and
    # often enough (every 0.1 s) that the clock stops within a tenth of a second of the last one.
    chunks, failed, done = 0, [], 0
    for doc in ids:
        while True:
            status, answer = call("GET", "/rag/documents/" + doc)
            if status != 200:
                sys.exit(f"GET /rag/documents/{doc}: {status} {answer}")
            if answer["status"] != "queued":
                break
            time.sleep(0.1)
        chunks += answer.get("chunks", 0)
        if answer["status"] == "failed":
            failed.append({"documentId": doc, "title": answer.get("title"), "error": answer.get("error")})
        done += 1
        if done % 100 == 0:
            say(f"{done} of {len(ids)} pages indexed, {chunks} chunks ({time.time() - start:.0f} s)")
    return ids, chunks, failed


pages_all = sorted(f for f in os.listdir(corpus) if f.endswith((".html", ".md")))
files = pages_all[:pages]
# A warm-up, as the model gets one before its clock starts: other pages of the same corpus (none of
# the measured ones, so the embedding cache holds none of their chunks), untimed. A young JVM spends
# a good part of its first minutes compiling (JIT): that is the cost of a start, not of the pipeline.
warmup = pages_all[pages:pages + warmup_pages]
if warmup:
    say(f"warming up on {len(warmup)} other pages (untimed)")
    _, warm_chunks, _ = ingest(warmup, time.time())
    say(f"warm-up: {warm_chunks} chunks")
component_pids()  # before the clock starts
start, cpu_start, threads_start, machine_start = time.time(), service_cpu_seconds(), threads_cpu(), machine_cpu()
ids, chunks, failed = ingest(files, start)
elapsed, cpu_end, threads_end, machine_end = time.time() - start, service_cpu_seconds(), threads_cpu(), machine_cpu()
cpu = cpu_end - cpu_start if cpu_start is not None and cpu_end is not None else None
say(f"ingested {len(ids)} pages, {chunks} chunks in {elapsed:.1f} s ({len(failed)} failed)")

questions = ["How do I create an index concurrently?", "What does VACUUM FULL do?", "How are transactions isolated?",
             "What is a tablespace?", "How do I grant privileges on a schema?", "What does EXPLAIN ANALYZE show?"]
latency = {}
# The first query after a bulk ingest meets a cold index (segments just merged, pages not cached, code
# not yet compiled): it is timed and reported on its own, then the steady state is measured.
t = time.time()
call("POST", "/rag/query", {"question": "What is a cold query?", "mode": "hybrid", "k": 5})
first_ms = (time.time() - t) * 1000
query_cores = {}


def rank(ordered, q):
    """The nearest-rank percentile, as the raw model's is taken: the 99th of 100 samples, not the worst."""
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


for mode in ("bm25", "vector", "hybrid"):
    for i in range(5):
        call("POST", "/rag/query", {"question": "warm-up " + mode + " " + str(i), "mode": mode, "k": 5})
    times = []
    mode_start, machine_before = time.time(), machine_cpu()
    for i in range(queries):
        t = time.time()
        # A question of its own per mode and query: each embeds anew (a question asked before is a
        # cache read, not a model call), as one raw embedding does.
        question = f"{questions[i % len(questions)]} ({mode} {i})"
        status, answer = call("POST", "/rag/query", {"question": question, "mode": mode, "k": 5})
        times.append((time.time() - t) * 1000)
        if status != 200:
            sys.exit(f"POST /rag/query: {status} {answer}")
    mode_seconds = time.time() - mode_start
    query_cores[mode] = machine_shares(machine_before, machine_cpu(), mode_seconds)
    times.sort()
    latency[mode] = {"p50": rank(times, 0.5), "p99": rank(times, 0.99), "n": len(times), "seconds": mode_seconds}
json.dump({"documents": len(ids), "chunks": chunks, "failed": failed, "seconds": elapsed, "chunks_per_s": chunks / elapsed,
           "cpu_seconds": cpu, "cpu_ms_per_chunk": cpu * 1000 / chunks if cpu is not None and chunks else None,
           "cpu_by_threads": cpu_shares(threads_start, threads_end), "cores": machine_shares(machine_start, machine_end, elapsed),
           "query_cores": query_cores,
           "warmup_pages": len(warmup),
           "first_query_ms": first_ms, "latency": latency},
          open(out, "w"), indent=1)
