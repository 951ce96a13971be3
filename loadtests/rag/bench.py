"""./sandbox bench rag, the service half: ingest a corpus through the API and time it until every
document is indexed (chunks/s), then time queries one after another (p50/p99 per mode).
Usage: bench.py API TOKEN CORPUS_DIR PAGES QUERIES OUT_JSON"""
import http.client, json, os, sys, time, urllib.parse

api, token, corpus, pages, queries, out = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]), sys.argv[6]
# One kept-alive connection, as any real client holds: a query's time is the service's, not a TCP handshake's.
connection = http.client.HTTPConnection(urllib.parse.urlsplit(api).netloc, timeout=60)


def call(method, path, body=None, content_type="application/json"):
    data = body if isinstance(body, bytes) or body is None else json.dumps(body).encode()
    connection.request(method, path, body=data, headers={"Authorization": "Bearer " + token, "Content-Type": content_type})
    resp = connection.getresponse()
    return resp.status, json.loads(resp.read() or b"null")


files = sorted(f for f in os.listdir(corpus) if f.endswith((".html", ".md")))[:pages]
start = time.time()
ids = []
for name in files:
    with open(os.path.join(corpus, name), "rb") as f:
        body = f.read()
    kind = "text/html" if name.endswith(".html") else "text/markdown"
    status, answer = call("POST", "/rag/documents?title=" + urllib.parse.quote(name), body, kind)
    if status == 202:
        ids.append(answer["documentId"])
chunks = 0
pending = set(ids)
while pending:
    for doc in list(pending):
        status, answer = call("GET", "/rag/documents/" + doc)
        if answer["status"] != "queued":
            pending.discard(doc)
            chunks += answer.get("chunks", 0)
    if pending:
        time.sleep(0.5)
elapsed = time.time() - start

questions = ["How do I create an index concurrently?", "What does VACUUM FULL do?", "How are transactions isolated?",
             "What is a tablespace?", "How do I grant privileges on a schema?", "What does EXPLAIN ANALYZE show?"]
latency = {}
# The first query after a bulk ingest meets a cold index (segments just merged, pages not cached, code
# not yet compiled): it is timed and reported on its own, then the steady state is measured.
t = time.time()
call("POST", "/rag/query", {"question": "What is a cold query?", "mode": "hybrid", "k": 5})
first_ms = (time.time() - t) * 1000
for mode in ("bm25", "vector", "hybrid"):
    for i in range(5):
        call("POST", "/rag/query", {"question": "warm-up " + mode + " " + str(i), "mode": mode, "k": 5})
    times = []
    for i in range(queries):
        t = time.time()
        status, _ = call("POST", "/rag/query", {"question": questions[i % len(questions)] + " " + str(i), "mode": mode, "k": 5})
        times.append((time.time() - t) * 1000)
        if status == 429:
            break
    times.sort()
    latency[mode] = {"p50": times[len(times) // 2], "p99": times[min(len(times) - 1, int(len(times) * 0.99))], "n": len(times)}
json.dump({"documents": len(ids), "chunks": chunks, "seconds": elapsed, "chunks_per_s": chunks / elapsed, "first_query_ms": first_ms,
           "latency": latency},
          open(out, "w"), indent=1)
