#!/usr/bin/env bash
# ./sandbox bench with no name: every benchmark (loadtests/*/bench.sh) one after the other, then the
# whole stack's start (time to ready, resident memory), then one table of every headline figure with
# the command that reproduces it: summary.md and summary.png under .sandbox/bench/summary/<timestamp>.
#
# Each benchmark leaves its figures in <its report>/ratios.tsv (lib.sh: ratio, figure). One that fails
# is reported as failed, and the others still run. BENCHES="gateway chat" runs only those.
# The benchmarks are long (the full set takes most of an hour on 2 cores): run it on a quiet machine.
set -uo pipefail
source "$SANDBOX_ROOT/loadtests/lib.sh"
cd "$SANDBOX_ROOT"

PYTHON="$(ensure_python)"
SUMMARY="$(report_dir summary)"
say() { printf '[bench] %s\n' "$*"; }

all=()
for script in loadtests/*/bench.sh; do all+=("$(basename "$(dirname "$script")")"); done
read -r -a chosen <<<"${BENCHES:-${all[*]}}"

for name in "${chosen[@]}"; do
  [[ "$name" == stack ]] && continue
  [[ -f "loadtests/$name/bench.sh" ]] || { say "no benchmark named $name"; continue; }
  say "$name: ./sandbox bench $name (log: $SUMMARY/$name.log)"
  began=$SECONDS
  before="$(ls -1 ".sandbox/bench/$name" 2>/dev/null | tail -1)"
  bash "loadtests/$name/bench.sh" > "$SUMMARY/$name.log" 2>&1
  code=$?
  report="$(ls -1 ".sandbox/bench/$name" 2>/dev/null | tail -1)"
  [[ -n "$report" && "$report" != "$before" ]] && report="$SANDBOX_ROOT/.sandbox/bench/$name/$report" || report=""
  printf '%s\t%s\t%s\t%s\n' "$name" "$code" "$((SECONDS - began))" "${report:--}" >> "$SUMMARY/runs.tsv"
  if [[ -n "$report" && -f "$report/ratios.tsv" ]]; then
    sed "s/^/$name\t/" "$report/ratios.tsv" >> "$SUMMARY/ratios.tsv"
  fi
  say "$name: exit $code in $((SECONDS - began)) s$([[ $code != 0 ]] && printf ': see the log')"
done

if [[ "${BENCHES:-}" == "" || " ${BENCHES} " == *" stack "* ]]; then
  # The whole stack as a user starts it: `up` prints "up in <s> s, <MB> MB resident in total".
  say "stack: ./sandbox up --free-ports (time to ready, resident memory), then down"
  stack="$SUMMARY/stack"
  mkdir -p "$stack"
  SANDBOX_RUN="bench-stack-$$" SANDBOX_SKIP_BUILD=1 ./sandbox up --free-ports > "$SUMMARY/stack.log" 2>&1
  read -r seconds megabytes < <(sed -nE 's/^up in ([0-9.]+) s, ([0-9]+) MB resident in total.*/\1 \2/p' "$SUMMARY/stack.log")
  SANDBOX_RUN="bench-stack-$$" ./sandbox down >> "$SUMMARY/stack.log" 2>&1
  figure "$stack" "time to ready, every component" "${seconds:-}" s "" "./sandbox up --free-ports"
  figure "$stack" "resident memory, every component" "${megabytes:-}" MB "" "./sandbox up --free-ports"
  [[ -f "$stack/ratios.tsv" ]] && sed "s/^/stack\t/" "$stack/ratios.tsv" >> "$SUMMARY/ratios.tsv"
fi

"$PYTHON" "$SANDBOX_ROOT/loadtests/summary.py" "$SUMMARY"
say "summary: $SUMMARY/summary.md, chart: $SUMMARY/summary.png"
