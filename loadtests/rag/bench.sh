#!/usr/bin/env bash
# ./sandbox bench rag: rag-service's pipeline beside the embedding model alone, on one sandbox of its
# own (free ports, torn down at the end).
#   eval    - recall@5 and MRR@10 of bm25, vector and hybrid over questions on the project's docs
#   raw     - the model alone: embeddings/s (2 threads) over the chunks of the same corpus, as the
#             service embeds them, and one embedding's latency
#   ingest  - after an untimed warm-up on WARMUP other pages (the model gets one too), PAGES pages of
#             the PostgreSQL manual (Debian's postgresql-doc-15) posted to the service, timed until
#             all are indexed: chunks/s, beside the mean of the model's embeddings/s measured before
#             and after; rag-service's CPU time per chunk beside the model's CPU time per embedding
#             (the figure a crowded machine moves least), the cores each side used (chunks/s is cores
#             over CPU per chunk), where the service's CPU went, by thread, and the machine's, by process
#   query   - the first query after the ingest on its own, then 5 warm-up and QUERIES timed queries
#             per mode, one at a time, each question new (it pays the model): p50/p99, beside QUERIES
#             raw embeddings measured again right after them (the same machine, the same minute: a
#             busy machine moves both), nearest-rank percentiles on both sides; the machine's cores
#             by process during each mode's queries
# Writes report.md under .sandbox/bench/rag/.
set -euo pipefail
source "$SANDBOX_ROOT/loadtests/lib.sh"

PAGES="${PAGES:-80}"
WARMUP="${WARMUP:-20}"
QUERIES="${QUERIES:-1000}"
CORPUS="${CORPUS:-/usr/share/doc/postgresql-doc-15/html}"
REPORT="$(report_dir rag)"
SANDBOX="$SANDBOX_ROOT/sandbox"
export SANDBOX_RUN="bench-rag-$$" SANDBOX_SKIP_BUILD=1

say() { printf '[bench rag] %s\n' "$*"; }
if [[ ! -d "$CORPUS" ]]; then
  say "no corpus at $CORPUS: apt-get install -y --no-install-recommends postgresql-doc-15 (or CORPUS=dir)"; exit 1
fi

raw_model() { # $1: log file, $2: tests; the RAW line of RawEmbeddingBench goes to the log
  # Only the model-tests execution (a JVM of its own): -Dtest would make the Quarkus one run them too.
  (cd "$SANDBOX_ROOT" && ./mvnw -B -q -o -pl rag-service -am test-compile surefire:test@model-tests -Drag.bench=true \
     -Drag.bench.corpus="$CORPUS" -Drag.bench.pages="$PAGES" -Drag.bench.latencies="$QUERIES" -Dtest="$2" -Dsurefire.failIfNoSpecifiedTests=false) > "$1" 2>&1 \
    || { tail -30 "$1"; exit 1; }
}
say "eval and the raw model (a JVM of its own, before the sandbox starts)"
raw_model "$REPORT/model.log" 'RetrievalEvalTest,RawEmbeddingBench'
RAW="$(grep -o 'RAW .*' "$REPORT/model.log" | tail -1)"
EVAL="$(grep -A4 '^| mode | recall@5' "$REPORT/model.log" | tail -5)"

trap 'say "tearing down $SANDBOX_RUN"; "$SANDBOX" down >/dev/null 2>&1 || true' EXIT
say "starting gateway and rag-service (run $SANDBOX_RUN, free ports)"
RAG_QUOTA_REQUESTS_PER_MINUTE=100000 RAG_QUOTA_TOKENS_PER_MINUTE=100000000 \
  "$SANDBOX" up gateway rag-service --free-ports | sed 's/^/  /'
gw="$(eval "$("$SANDBOX" env gateway)"; echo "$QUARKUS_HTTP_PORT")"
rag="$(eval "$("$SANDBOX" env rag-service)"; echo "$QUARKUS_HTTP_PORT")"

say "ingesting $PAGES pages of $CORPUS, then $QUERIES queries per mode"
# bench.py takes its tokens from the gateway (and new ones when they expire) and waits for the
# service's own seed documents (docs/, ingested at start) before it times anything.
python3 "$SANDBOX_ROOT/loadtests/rag/bench.py" "http://127.0.0.1:$rag" "http://127.0.0.1:$gw" "$CORPUS" "$PAGES" "$QUERIES" "$REPORT/service.json" "$WARMUP"
RSS="$("$SANDBOX" status 2>/dev/null | awk '$1 == "rag-service" {print $5}')"
say "the raw model again, right after the queries"
raw_model "$REPORT/model-after.log" 'RawEmbeddingBench'
RAW_AFTER="$(grep -o 'RAW .*' "$REPORT/model-after.log" | tail -1)"

python3 - "$REPORT/service.json" "$RAW" "$RAW_AFTER" "$RSS" > "$REPORT/report.md" <<'PY'
import json, sys
s = json.load(open(sys.argv[1])); rss = sys.argv[4]
before, after = (dict(kv.split("=") for kv in line.split()[1:]) for line in sys.argv[2:4])
# The ingest ran between the two measures of the model: it is set beside their mean.
eps_before, eps_after = float(before["embeddings_per_s"]), float(after["embeddings_per_s"])
eps = (eps_before + eps_after) / 2
p50, p99 = float(after["single_embed_p50_ms"]), float(after["single_embed_p99_ms"])
print("| step | work | service | the raw model | ratio |")
print("|---|---|---|---|---|")
failed = f" ({len(s['failed'])} failed: {', '.join(f['title'] for f in s['failed'])})" if s["failed"] else ""
print(f"| ingest | {s['documents']} pages{failed}, {s['chunks']} chunks in {s['seconds']:.1f} s | {s['chunks_per_s']:.1f} chunks/s | {eps:.1f} embeddings/s of the same corpus's chunks (2 threads; {eps_before:.1f} before, {eps_after:.1f} after) | {s['chunks_per_s']/eps:.2f} |")
for mode, l in s["latency"].items():
    print(f"| query {mode} | {l['n']} queries | p50 {l['p50']:.1f} ms, p99 {l['p99']:.1f} ms | one embedding: p50 {p50:.1f} ms, p99 {p99:.1f} ms"
          f" | p50 {l['p50']/p50:.1f}x, p99 {l['p99']/p99:.1f}x |")
# CPU time per chunk against the model's CPU time per embedding: what the pipeline costs beyond the
# model, as the scheduler's share of a crowded machine moves it least.
raw_cpus = [float(m["cpu_ms_per_embedding"]) for m in (before, after) if "cpu_ms_per_embedding" in m]
if s.get("cpu_ms_per_chunk") and raw_cpus:
    raw_cpu = sum(raw_cpus) / len(raw_cpus)
    print(f"| ingest, CPU time | {s['cpu_seconds']:.0f} s of rag-service's CPU | {s['cpu_ms_per_chunk']:.1f} ms per chunk"
          f" | {raw_cpu:.1f} ms per embedding (the model's JVM, mean of before and after) | {raw_cpu / s['cpu_ms_per_chunk']:.2f} |")
    # chunks/s = cores used / CPU per chunk: the throughput ratio is this ratio times the CPU ratio.
    raw_cores = eps * raw_cpu / 1000
    service_cores = s["cpu_seconds"] / s["seconds"]
    print(f"| ingest, cores used | | {service_cores:.2f} cores | {raw_cores:.2f} cores (the model alone) | {service_cores / raw_cores:.2f} |")
print(f"| first query after the ingest (cold) | 1 query | {s['first_query_ms']:.1f} ms | | |")
if s.get("warmup_pages"):
    print(f"| warm-up before the timed ingest | {s['warmup_pages']} other pages, untimed | | | |")
print(f"| rag-service RSS after ingest | {rss} | | | |")
PY
python3 - "$REPORT/service.json" >> "$REPORT/report.md" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
cores = s.get("cores")
if cores:
    print("\nThe machine during the timed ingest, cores used on average:\n\n| process | cores |\n|---|---:|")
    for name, used in cores.items():
        print(f"| {name} | {used:.2f} |")
by_mode = {mode: c for mode, c in (s.get("query_cores") or {}).items() if c}
if by_mode:
    names = list(next(iter(by_mode.values())))
    print("\nThe machine during the timed queries (one at a time), cores used on average:\n")
    print("| process | " + " | ".join(by_mode) + " |\n|---|" + "---:|" * len(by_mode))
    for name in names:
        print(f"| {name} | " + " | ".join(f"{c.get(name, 0):.2f}" for c in by_mode.values()) + " |")
    # One query at a time: the service's CPU per query is its cores times the time, over the queries.
    latency = s["latency"]
    print("| rag-service's CPU per query | " + " | ".join(
        f"{by_mode[m].get('rag-service', 0) * latency[m]['seconds'] * 1000 / latency[m]['n']:.1f} ms" for m in by_mode) + " |")
shares = s.get("cpu_by_threads")
if shares:
    total = sum(shares.values())
    print("\nrag-service's CPU during the timed ingest, by thread:\n\n| threads | CPU | share |\n|---|---:|---:|")
    for group, cpu in shares.items():
        print(f"| {group} | {cpu:.1f} s | {100 * cpu / total:.1f} % |")
PY
printf '\n%s\n' "$EVAL" >> "$REPORT/report.md"
ratio "$REPORT" "RAG ingest chunks/s / raw embeddings/s" "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["chunks_per_s"])' "$REPORT/service.json")" "$(python3 -c 'import sys; print((float(sys.argv[1]) + float(sys.argv[2])) / 2)' \
     "$(sed -nE 's/.*embeddings_per_s=([0-9.]+).*/\1/p' <<<"$RAW")" "$(sed -nE 's/.*embeddings_per_s=([0-9.]+).*/\1/p' <<<"$RAW_AFTER")")" "per second"
ratio "$REPORT" "RAG ingest: raw CPU per embedding / service CPU per chunk" \
  "$(python3 -c 'import sys; v = [float(x) for x in sys.argv[1:] if x]; print(sum(v) / len(v) if v else "")' \
     "$(sed -nE 's/.*cpu_ms_per_embedding=([0-9.]+).*/\1/p' <<<"$RAW")" "$(sed -nE 's/.*cpu_ms_per_embedding=([0-9.]+).*/\1/p' <<<"$RAW_AFTER")")" \
  "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["cpu_ms_per_chunk"] or "")' "$REPORT/service.json")" "ms CPU"
ratio "$REPORT" "RAG hybrid query p99 / one raw embedding p99" \
  "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["latency"]["hybrid"]["p99"])' "$REPORT/service.json")" \
  "$(sed -nE 's/.*single_embed_p99_ms=([0-9.]+).*/\1/p' <<<"$RAW_AFTER")" "ms"
say "results ($REPORT/report.md):"
cat "$REPORT/report.md"
