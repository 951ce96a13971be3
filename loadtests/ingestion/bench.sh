#!/usr/bin/env bash
# The ingestion benchmark, one command: ./sandbox bench ingestion
#
# 1. Throughput: k6 posts NDJSON uploads (1,000 events each) for BENCH_WARMUP (not counted), then
#    BENCH_ROUNDS (3) rounds of: k6 for BENCH_DURATION, events/s counting events acknowledged by
#    Kafka (acks=all) and answered 202; then Kafka's own kafka-producer-perf-test (ProducerPerformance)
#    against the same broker, same record size, same producer settings. The figure is the median
#    of the rounds' ratios. The ratio says what HTTP, parsing and
#    validation cost. Both producers' batching (batch-size-avg, records-per-request-avg,
#    record-queue-time-avg) is printed beside it.
# 2. Memory: a generated 1 GB CSV upload and a 1 GB NDJSON upload, streamed (chunked), while the
#    service's RSS is sampled from /proc. The figure is the growth over the RSS before the upload.
#
# It starts what it needs in a run of its own (free ports), and stops it at the end.
set -euo pipefail
source "$SANDBOX_ROOT/loadtests/lib.sh"
cd "$SANDBOX_ROOT"
HERE="loadtests/ingestion"

export SANDBOX_RUN="bench-ingestion-$$"
export SANDBOX_SKIP_BUILD=1
DURATION="${BENCH_DURATION:-30s}"
WARMUP="${BENCH_WARMUP:-60s}"
VUS="${BENCH_VUS:-4}"
UPLOAD_MB="${BENCH_UPLOAD_MB:-1024}"
PERF_RECORDS="${BENCH_PERF_RECORDS:-2000000}"
ROUNDS="${BENCH_ROUNDS:-3}"
RECORD_SIZE=150

K6="$(ensure_k6)"
PYTHON="$(ensure_python)"
REPORT="$(report_dir ingestion)"
trap './sandbox down >/dev/null 2>&1 || true' EXIT

echo "== starting Kafka, PostgreSQL and the ingestion API (run $SANDBOX_RUN)"
./sandbox up ingestion-service --free-ports | sed 's/^/   /'
row() { ./sandbox status | awk -v c="$1" '$1 == c { print $2, $3 }'; }
read -r API_PID API_PORT < <(row ingestion-service)
read -r KAFKA_PID KAFKA_PORT < <(row kafka)
URL="http://127.0.0.1:$API_PORT"
KAFKA="127.0.0.1:$KAFKA_PORT"
CLASSPATH_KAFKA="$(cat infra/kafka-broker/target/classes/kafka-broker.classpath)"

# Rounds: the service and kafka-producer-perf-test take turns, BENCH_ROUNDS times, and each round's
# ratio is of the two runs side by side. On a shared machine either rate moves by a factor of two
# between minutes; the median of alternating rounds is the figure to read, with every round shown.
java -cp "$CLASSPATH_KAFKA" org.apache.kafka.tools.TopicCommand --bootstrap-server "$KAFKA" --create \
  --topic bench-perf --partitions 6 --replication-factor 1 >/dev/null 2>&1
# How full the producer's requests were: the same three figures from both producers.
BATCHING='batch.size.avg|records.per.request.avg|record.queue.time.avg'

echo "== 1/3 warm-up of the service: $VUS clients, $WARMUP (not counted)"
# The service was started a moment ago: without a warm-up the measured interval would hold its JIT
# compilation and first connections, a cost kafka-producer-perf-test's steady stream pays once. After
# 10 s the compiler was still at work: the service's CPU per event fell from round to round
# (11.3, 9.8, 8.3 µs); after 60 s the first round already spent 9.3.
"$K6" run --quiet -e URL="$URL" -e VUS="$VUS" -e DURATION="$WARMUP" -e RECORD_SIZE="$RECORD_SIZE" -e IDS=warmup \
  "$HERE/ingest.js" > "$REPORT/k6-warmup.txt"

echo "== 2/3 throughput, $ROUNDS rounds: the service ($VUS clients, $DURATION) then kafka-producer-perf-test ($PERF_RECORDS records of $RECORD_SIZE bytes), same broker"
: > "$REPORT/rounds.tsv"
for round in $(seq 1 "$ROUNDS"); do
  cpu_mark "$REPORT" "service-$round" "$API_PID"; cpu_mark "$REPORT" "broker-service-$round" "$KAFKA_PID"
  # k6 in a subshell, as the perf test below: its CPU per event is the load generator's share of the cores.
  ( cpu_mark "$REPORT" "k6-$round" "$BASHPID"
    "$K6" run --quiet -e URL="$URL" -e VUS="$VUS" -e DURATION="$DURATION" -e RECORD_SIZE="$RECORD_SIZE" -e IDS="round$round" \
      --summary-export "$REPORT/k6-$round.json" "$HERE/ingest.js" > "$REPORT/k6-$round.txt"
    cpu_mark "$REPORT" "k6-$round" "$BASHPID" )
  cpu_mark "$REPORT" "service-$round" "$API_PID"; cpu_mark "$REPORT" "broker-service-$round" "$KAFKA_PID"
  read -r SERVICE_RATE SERVICE_EVENTS < <("$PYTHON" -c "import json; m=json.load(open('$REPORT/k6-$round.json'))['metrics']['events_accepted']; print(round(m['rate']), round(m['count']))")
  curl -sS "$URL/q/metrics" | grep -E "^kafka_producer_(${BATCHING//./_})\{.*client_id=\"ingestion-intake\"" \
    | sed -E 's/\{.*\}//' > "$REPORT/batching-service-$round.txt" || true

  # The producer's JVM runs in a subshell of its own: once it is waited for, its CPU time is the
  # subshell's children's time in /proc (cutime, cstime), read by the same helper.
  cpu_mark "$REPORT" "broker-perf-test-$round" "$KAFKA_PID"
  ( cpu_mark "$REPORT" "producer-perf-test-$round" "$BASHPID"
    java -cp "$CLASSPATH_KAFKA" -Dlog4j2.level=WARN org.apache.kafka.tools.ProducerPerformance \
      --topic bench-perf --num-records "$PERF_RECORDS" --record-size "$RECORD_SIZE" --throughput -1 \
      --producer-props bootstrap.servers="$KAFKA" acks=all enable.idempotence=true linger.ms=5 batch.size=131072 \
      compression.type=zstd --print-metrics 2>/dev/null
    cpu_mark "$REPORT" "producer-perf-test-$round" "$BASHPID" ) > "$REPORT/perf-$round.txt"
  cpu_mark "$REPORT" "broker-perf-test-$round" "$KAFKA_PID"
  grep -E "^producer-metrics:($BATCHING)" "$REPORT/perf-$round.txt" > "$REPORT/batching-perf-test-$round.txt" || true
  KAFKA_RATE="$(grep -E 'records sent.*records/sec' "$REPORT/perf-$round.txt" | tail -1 | sed -E 's/.* ([0-9.]+) records\/sec.*/\1/' | cut -d. -f1)"

  # CPU per event, each producer beside the broker's share in the same interval.
  CPU_SERVICE="$(cpu_per_request "$REPORT" "service-$round" "$SERVICE_EVENTS" "ingestion-service, CPU per event, round $round" "µs CPU/event")"
  CPU_PERF="$(cpu_per_request "$REPORT" "producer-perf-test-$round" "$PERF_RECORDS" "kafka-producer-perf-test, CPU per event, round $round" "µs CPU/event")"
  CPU_K6="$(cpu_per_request "$REPORT" "k6-$round" "$SERVICE_EVENTS" "k6 (the service's load generator), CPU per event, round $round" "µs CPU/event")"
  CPU_BROKER_SERVICE="$(cpu_per_request "$REPORT" "broker-service-$round" "$SERVICE_EVENTS" "broker during the service's run, CPU per event, round $round" "µs CPU/event")"
  CPU_BROKER_PERF="$(cpu_per_request "$REPORT" "broker-perf-test-$round" "$PERF_RECORDS" "broker during kafka-producer-perf-test, CPU per event, round $round" "µs CPU/event")"
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$round" "$SERVICE_RATE" "$KAFKA_RATE" "$CPU_SERVICE" "$CPU_PERF" \
    "$CPU_BROKER_SERVICE" "$CPU_BROKER_PERF" "$(uptime | sed -E 's/.*load average: ([0-9.]+).*/\1/')" >> "$REPORT/rounds.tsv"
  echo "   round $round: service $SERVICE_RATE events/s, perf test $KAFKA_RATE records/s," \
    "ratio $(awk -v a="$SERVICE_RATE" -v b="$KAFKA_RATE" 'BEGIN { printf "%.2f", a / b }');" \
    "CPU per event: service $CPU_SERVICE µs (k6 $CPU_K6 µs), perf test $CPU_PERF µs"
  paste -d' ' "$REPORT/batching-service-$round.txt" | sed 's/^/     service: /'
  sed -E 's/^producer-metrics:([a-z-]+):.*: */\1 /' "$REPORT/batching-perf-test-$round.txt" | paste -sd' ' | sed 's/^/     perf test: /'
done
# The medians of the rounds' ratios, into ratios.tsv (bench-all's table).
read -r MEDIAN_RATE MEDIAN_CPU < <(awk -F'\t' '{ r[NR] = $2 / $3; c[NR] = $4 / $5 }
  function median(a, n,   i, j, t) { for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
    return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }
  END { printf "%.3f %.3f\n", median(r, NR), median(c, NR) }' "$REPORT/rounds.tsv")
figure "$REPORT" "ingestion / kafka-producer-perf-test, events/s (median of $ROUNDS rounds)" "$MEDIAN_RATE" x "each round side by side"
figure "$REPORT" "ingestion-service / kafka-producer-perf-test, CPU per event (median of $ROUNDS rounds)" "$MEDIAN_CPU" x "each round side by side"

echo "== 3/3 memory: ${UPLOAD_MB} MB uploads, streamed, RSS of pid $API_PID sampled from /proc"
: > "$REPORT/rss.csv"
for format in csv ndjson; do
  case "$format" in csv) type=text/csv ;; ndjson) type=application/x-ndjson ;; esac
  "$PYTHON" "$HERE/sample_rss.py" "$API_PID" "$format" >> "$REPORT/rss.csv" &
  sampler=$!
  sleep 2
  started=$SECONDS
  "$PYTHON" "$HERE/generate.py" "$format" "$UPLOAD_MB" \
    | curl -sS -X POST -T - -H "Content-Type: $type" --max-time 1800 "$URL/events" \
    > "$REPORT/upload-$format.json" || true
  sleep 2
  kill "$sampler"; wait "$sampler" 2>/dev/null || true
  echo "   $format: $(cat "$REPORT/upload-$format.json" | cut -c1-80) in $((SECONDS - started)) s"
done

"$PYTHON" "$HERE/report.py" "$REPORT" "$UPLOAD_MB" "$DURATION" "$VUS" | tee "$REPORT/summary.txt"
echo "report: $REPORT/report.md, chart: $REPORT/report.png"
