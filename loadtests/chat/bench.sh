#!/usr/bin/env bash
# ./sandbox bench chat: cross-node fan-out latency p50/p99 beside a raw RabbitMQ publish->consume
# round trip on the same broker, and heap/RSS per idle connection, in one run (ChatBenchIT: two
# chat nodes as processes, infrastructure of its own on free ports, torn down at the end).
# Knobs: CHAT_BENCH_SAMPLES (5000), CHAT_BENCH_WARMUP (3000 round trips first, on each path),
# CHAT_BENCH_MEMBERS (10), CHAT_BENCH_IDLE (2000); CHAT_BENCH_JFR=<dir>: a flight recording (JFR) of
# each node, written into <dir>; CHAT_BENCH_JVM: the nodes' JVM options instead of the sandbox's.
# The report also says which samples GC pauses overlapped and where the CPU went (gc/ holds the logs).
set -euo pipefail
source "$SANDBOX_ROOT/loadtests/lib.sh"

REPORT="$(report_dir chat)"
say() { printf '[bench chat] %s\n' "$*"; }

say "packaging chat-service and running ChatBenchIT (report in $REPORT)"
cd "$SANDBOX_ROOT"
# Every JVM logs its GC pauses, stamped with System.nanoTime, so the test can see which samples a pause hit.
mkdir -p "$REPORT/gc"
JAVA_TOOL_OPTIONS="-Xlog:gc:file=$REPORT/gc/jvm-%p.log:timenanos" CHAT_BENCH_GC_LOGS="$REPORT/gc" \
CHAT_BENCH=1 CHAT_BENCH_REPORT="$REPORT/report.txt" ./mvnw -B -q -pl chat-service -am verify \
  -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
  -Dit.test=ChatBenchIT -Dfailsafe.failIfNoSpecifiedTests=false > "$REPORT/build.log" 2>&1 \
  || { say "failed; see $REPORT/build.log"; tail -30 "$REPORT/build.log"; exit 1; }
cat "$REPORT/report.txt"
p99_of() { grep -m1 "$1" "$REPORT/report.txt" | grep -oE 'p99 [0-9.]+ ms' | head -1 | awk '{ print $2 }'; }
raw="$(p99_of '^raw RabbitMQ publish')" chat="$(p99_of '^chat cross-node send')"
ratio "$REPORT" "chat cross-node fan-out / raw RabbitMQ, p99 latency" "${chat:-}" "${raw:-}" "ms"
