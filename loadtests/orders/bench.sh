#!/usr/bin/env bash
# ./sandbox bench orders: the payment processor with delivery=transactional vs delivery=at-least-once,
# in one run, on one sandbox of its own (free ports, torn down at the end).
#
# After a warm-up, for each delivery mode:
#   steady  - k6 places RATE orders/s for DURATION; end-to-end latency (order created -> PAID) p50/p99
#   backlog - with the processor stopped, k6 places BACKLOG orders; the processor is started and
#             drains them: orders/s = charges per second in the payment ledger
# Prints a summary with the ratios and writes report.md and chart.png under .sandbox/bench/orders/.
set -euo pipefail
source "$SANDBOX_ROOT/loadtests/lib.sh"

RATE="${RATE:-30}"
DURATION="${DURATION:-30s}"
BACKLOG="${BACKLOG:-3000}"
# Each mode is measured ROUNDS times, in alternating order, and averaged: on a shared machine one
# run of each is mostly noise (the POST columns, the same code in both modes, show how much).
ROUNDS="${ROUNDS:-2}"

K6="$(ensure_k6)"
PYTHON="$(ensure_python)"
REPORT="$(report_dir orders)"
SANDBOX="$SANDBOX_ROOT/sandbox"
export SANDBOX_RUN="bench-orders-$$" SANDBOX_SKIP_BUILD=1

say() { printf '[bench orders] %s\n' "$*"; }
trap 'say "tearing down $SANDBOX_RUN"; "$SANDBOX" down >/dev/null 2>&1 || true' EXIT

say "starting order-service and order-processor (run $SANDBOX_RUN, free ports)"
"$SANDBOX" up order-service order-processor --free-ports | sed 's/^/  /'
# The API's address and its database, read in a subshell: the variables must not leak into the
# environment of the processes this script restarts.
read -r port jdbc user password < <(
  # shellcheck disable=SC1090
  eval "$("$SANDBOX" env order-service)"
  echo "$QUARKUS_HTTP_PORT $QUARKUS_DATASOURCE_JDBC_URL $QUARKUS_DATASOURCE_USERNAME $QUARKUS_DATASOURCE_PASSWORD")
API="http://127.0.0.1:$port"
DB="postgresql://$user:$password@${jdbc#jdbc:postgresql://}"
sql() { psql "$DB" -qAtX -c "$1"; }

# Waits until every order of customer $1 is settled, printing progress.
await_settled() {
  local customer="$1" total pending
  total="$(sql "SELECT count(*) FROM orders WHERE customer_id = '$customer'")"
  while true; do
    pending="$(sql "SELECT count(*) FROM orders WHERE customer_id = '$customer' AND status = 'PENDING'")"
    [[ "$pending" == 0 ]] && break
    say "  $((total - pending))/$total settled"
    sleep 2
  done
}

k6_run() { # scenario customer summary-file [extra env...]
  local scenario="$1" customer="$2" summary="$3" status=0
  shift 3
  "$K6" run --quiet --no-color --summary-export "$summary" \
    -e SCENARIO="$scenario" -e API="$API" -e CUSTOMER="$customer" "$@" "$SANDBOX_ROOT/loadtests/orders/orders.js" \
    > "$REPORT/k6-$customer.log" 2>&1 || status=$?
  if [[ "$status" == 99 ]]; then # thresholds crossed: a finding to report, not a reason to stop
    say "  k6 thresholds crossed (see $REPORT/k6-$customer.log)"
    echo "- $customer: k6 thresholds crossed: $(grep -o "thresholds on metrics '[^']*'" "$REPORT/k6-$customer.log")" >> "$REPORT/thresholds.txt"
  elif [[ "$status" != 0 ]]; then
    say "k6 failed ($status); see $REPORT/k6-$customer.log"; tail -20 "$REPORT/k6-$customer.log"; exit 1
  fi
}

# The API's JIT compiler and pools warm up first, so that the first mode measured is not the cold one.
say "warming up: $RATE orders/s for 15s (not measured)"
k6_run steady "warmup-$$" "$REPORT/k6-warmup.json" -e RATE="$RATE" -e DURATION=15s
await_settled "warmup-$$"

# One measurement of one delivery mode: a line of results.csv.
measure() { # round mode
  local round="$1" mode="$2" steady backlog p50 p99 http50 http99 rate
  say "round $round/$ROUNDS, delivery=$mode: restarting order-processor"
  ORDERS_DELIVERY="$mode" "$SANDBOX" restart order-processor | sed 's/^/  /'

  steady="steady-$mode-$round-$$"
  say "delivery=$mode: steady load, $RATE orders/s for $DURATION"
  k6_run steady "$steady" "$REPORT/k6-$steady.json" -e RATE="$RATE" -e DURATION="$DURATION"
  await_settled "$steady"
  read -r p50 p99 < <(sql "SELECT round(1000 * percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM updated_at - created_at))),
                                  round(1000 * percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM updated_at - created_at)))
                           FROM orders WHERE customer_id = '$steady'" | tr '|' ' ')
  read -r http50 http99 < <("$PYTHON" -c "import json,sys; d=json.load(open(sys.argv[1]))['metrics']['http_req_duration']; print(round(d['med']), round(d['p(99)']))" "$REPORT/k6-$steady.json")

  backlog="backlog-$mode-$round-$$"
  say "delivery=$mode: $BACKLOG orders queued while the processor is down"
  "$SANDBOX" kill order-processor >/dev/null
  k6_run backlog "$backlog" "$REPORT/k6-$backlog.json" -e ORDERS="$BACKLOG"
  while [[ "$(sql "SELECT count(*) FROM outbox")" != 0 ]]; do sleep 1; done
  say "delivery=$mode: starting the processor on the backlog"
  ORDERS_DELIVERY="$mode" "$SANDBOX" restart order-processor | sed 's/^/  /'
  await_settled "$backlog"
  rate="$(sql "SELECT round((count(*) - 1) / extract(epoch FROM max(l.created_at) - min(l.created_at)))
               FROM payment_ledger l JOIN orders o ON o.id = l.order_id WHERE o.customer_id = '$backlog'")"

  say "delivery=$mode: $rate orders/s; end-to-end p50 $p50 ms, p99 $p99 ms; POST p50 $http50 ms, p99 $http99 ms"
  echo "$round,$mode,$rate,$p50,$p99,$http50,$http99" >> "$results"
}

results="$REPORT/results.csv"
echo "round,mode,orders_per_s,e2e_p50_ms,e2e_p99_ms,http_p50_ms,http_p99_ms" > "$results"
for round in $(seq 1 "$ROUNDS"); do
  order=(transactional at-least-once)
  if (( round % 2 == 0 )); then order=(at-least-once transactional); fi
  for mode in "${order[@]}"; do
    measure "$round" "$mode"
  done
done

ratio "$REPORT" "exactly-once / at-least-once, orders/s" $(awk -F, 'NR > 1 { s[$2] += $3; n[$2]++ } END { printf "%.1f %.1f", s["transactional"] / n["transactional"], s["at-least-once"] / n["at-least-once"] }' "$results") "orders/s"
"$PYTHON" - "$results" "$REPORT" "$RATE" "$DURATION" "$BACKLOG" "$ROUNDS" <<'PY'
import csv, sys
from collections import defaultdict
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt

results, report, rate, duration, backlog, rounds = sys.argv[1:]
runs = defaultdict(list)
for row in csv.DictReader(open(results)):
    runs[row["mode"]].append({k: float(v) for k, v in row.items() if k not in ("mode", "round")})
rows = {mode: {key: sum(run[key] for run in measured) / len(measured) for key in measured[0]}
        for mode, measured in sorted(runs.items(), key=lambda item: item[0] != "transactional")}
tx, alo = rows["transactional"], rows["at-least-once"]
ratio = lambda key: tx[key] / alo[key] if alo[key] else float("nan")

summary = [
    "| delivery | orders/s (backlog of %s) | end-to-end p50 | end-to-end p99 | POST p50 | POST p99 |" % backlog,
    "|---|---|---|---|---|---|",
]
for mode, r in rows.items():
    summary.append("| %s | %.0f | %.0f ms | %.0f ms | %.0f ms | %.0f ms |" % (
        mode, r["orders_per_s"], r["e2e_p50_ms"], r["e2e_p99_ms"], r["http_p50_ms"], r["http_p99_ms"]))
summary.append("| **transactional / at-least-once** | **%.2f** | **%.2f** | **%.2f** | %.2f | %.2f |" % (
    ratio("orders_per_s"), ratio("e2e_p50_ms"), ratio("e2e_p99_ms"), ratio("http_p50_ms"), ratio("http_p99_ms")))
print("\n".join(summary))

fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
modes = list(rows)
left.bar(modes, [rows[m]["orders_per_s"] for m in modes], color=["#3b7dd8", "#d8833b"])
left.set_title("processor throughput (orders/s)")
width = 0.35
xs = range(len(modes))
right.bar([x - width / 2 for x in xs], [rows[m]["e2e_p50_ms"] for m in modes], width, label="p50")
right.bar([x + width / 2 for x in xs], [rows[m]["e2e_p99_ms"] for m in modes], width, label="p99")
right.set_xticks(list(xs), modes)
right.set_title("order created -> PAID at %s/s (ms)" % rate)
right.legend()
fig.suptitle("order-processor: delivery=transactional vs at-least-once")
fig.tight_layout()
fig.savefig(report + "/chart.png", dpi=110)

with open(report + "/report.md", "w") as out:
    out.write("# Orders benchmark: delivery=transactional vs at-least-once\n\n")
    out.write("Command: `./sandbox bench orders` (RATE=%s, DURATION=%s, BACKLOG=%s, ROUNDS=%s: each figure is the mean of %s runs).\n\n" % (rate, duration, backlog, rounds, rounds))
    out.write("- orders/s: a backlog of %s orders drained by one processor (charges per second in the ledger).\n" % backlog)
    out.write("- end-to-end: order created -> PAID, at a steady %s orders/s for %s.\n" % (rate, duration))
    out.write("- POST: k6's http_req_duration of POST /orders. The API does not depend on the delivery mode: its ratio is the noise of the machine.\n\n")
    out.write("Every run:\n\n```\n" + open(results).read() + "```\n\n")
    out.write("\n".join(summary) + "\n\n![chart](chart.png)\n")
    import os
    thresholds = os.path.join(report, "thresholds.txt")
    if os.path.exists(thresholds):
        out.write("\nk6 thresholds (loadtests/orders/orders.js) crossed:\n\n" + open(thresholds).read())
PY
say "report: $REPORT/report.md"
