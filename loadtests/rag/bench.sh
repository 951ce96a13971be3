#!/usr/bin/env bash
# ./sandbox bench rag: rag-service's pipeline beside the embedding model alone, on one sandbox of its
# own (free ports, torn down at the end).
#   eval    - recall@5 and MRR@10 of bm25, vector and hybrid over questions on the project's docs
#   raw     - the model alone: embeddings/s (2 threads) and one embedding's latency
#   ingest  - PAGES pages of the PostgreSQL manual (Debian's postgresql-doc-15) posted to the service,
#             timed until all are indexed: chunks/s, beside raw embeddings/s
#   query   - QUERIES queries per mode, one at a time: p50/p99, beside one raw embedding
# Writes report.md under .sandbox/bench/rag/.
set -euo pipefail
source "$SANDBOX_ROOT/loadtests/lib.sh"

PAGES="${PAGES:-80}"
QUERIES="${QUERIES:-100}"
CORPUS="${CORPUS:-/usr/share/doc/postgresql-doc-15/html}"
REPORT="$(report_dir rag)"
SANDBOX="$SANDBOX_ROOT/sandbox"
export SANDBOX_RUN="bench-rag-$$" SANDBOX_SKIP_BUILD=1

say() { printf '[bench rag] %s\n' "$*"; }
if [[ ! -d "$CORPUS" ]]; then
  say "no corpus at $CORPUS: apt-get install -y --no-install-recommends postgresql-doc-15 (or CORPUS=dir)"; exit 1
fi

say "eval and the raw model (a JVM of its own, before the sandbox starts)"
(cd "$SANDBOX_ROOT" && ./mvnw -B -q -o -pl rag-service -am verify -DskipITs -Drag.bench=true \
   -Dtest='RetrievalEvalTest,RawEmbeddingBench' -Dsurefire.failIfNoSpecifiedTests=false) > "$REPORT/model.log" 2>&1 \
  || { tail -30 "$REPORT/model.log"; exit 1; }
RAW="$(grep -o 'RAW .*' "$REPORT/model.log" | tail -1)"
EVAL="$(grep '^| ' "$REPORT/model.log" | tail -5)"

trap 'say "tearing down $SANDBOX_RUN"; "$SANDBOX" down >/dev/null 2>&1 || true' EXIT
say "starting gateway and rag-service (run $SANDBOX_RUN, free ports)"
RAG_INGEST_SEED_DIR= RAG_QUOTA_REQUESTS_PER_MINUTE=100000 RAG_QUOTA_TOKENS_PER_MINUTE=100000000 \
  "$SANDBOX" up gateway rag-service --free-ports | sed 's/^/  /'
gw="$(eval "$("$SANDBOX" env gateway)"; echo "$QUARKUS_HTTP_PORT")"
rag="$(eval "$("$SANDBOX" env rag-service)"; echo "$QUARKUS_HTTP_PORT")"
TOKEN="$(curl -sf -X POST "http://127.0.0.1:$gw/auth/token" -H 'Content-Type: application/json' -d '{"username":"bob"}' \
  | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d.get("access_token") or d.get("token"))')"

say "ingesting $PAGES pages of $CORPUS, then $QUERIES queries per mode"
python3 "$SANDBOX_ROOT/loadtests/rag/bench.py" "http://127.0.0.1:$rag" "$TOKEN" "$CORPUS" "$PAGES" "$QUERIES" "$REPORT/service.json"
RSS="$("$SANDBOX" status 2>/dev/null | awk '$1 == "rag-service" {print $5}')"

python3 - "$REPORT/service.json" "$RAW" "$RSS" > "$REPORT/report.md" <<'PY'
import json, sys
s = json.load(open(sys.argv[1])); raw = dict(kv.split("=") for kv in sys.argv[2].split()[1:]); rss = sys.argv[3]
eps, single = float(raw["embeddings_per_s"]), float(raw["single_embed_p50_ms"])
print(f"| ingest | {s['documents']} pages, {s['chunks']} chunks in {s['seconds']:.1f} s | {s['chunks_per_s']:.1f} chunks/s | raw model {eps:.1f} embeddings/s | ratio {s['chunks_per_s']/eps:.2f} |")
for mode, l in s["latency"].items():
    print(f"| query {mode} | {l['n']} queries | p50 {l['p50']:.1f} ms, p99 {l['p99']:.1f} ms | one raw embedding p50 {single:.1f} ms | p99/raw {l['p99']/single:.1f}x |")
print(f"| rag-service RSS after ingest | {rss} | | | |")
PY
echo "$EVAL" >> "$REPORT/report.md"
ratio "$REPORT" "RAG ingest chunks/s / raw embeddings/s" "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["chunks_per_s"])' "$REPORT/service.json")" "$(sed -nE 's/.*embeddings_per_s=([0-9.]+).*/\1/p' <<<"$RAW")" "per second"
say "results ($REPORT/report.md):"
cat "$REPORT/report.md"
