#!/usr/bin/env bash
# ./sandbox bench gateway: what the gateway costs, and how far its limiter is from Redis' ceiling.
#
#  1. Throughput and p50/p99 of one small GET, same run, same upstream, three ways:
#     direct to the upstream | through nginx as a plain reverse proxy | through the gateway with
#     JWT verification and a Redis rate-limit decision on every request. Ratios against direct.
#     The gateway twice: its limiter in the exact mode (one Redis call per request), then in the leased
#     mode (a batch of permits per Redis call): throughput, CPU and Redis calls per request of each.
#  2. Limiter decisions/s inside that gateway run vs redis-benchmark's EVALSHA ceiling for the same
#     script on the same Redis.
#  3. The limiter alone (LimiterBench, a JVM of its own, before the rest starts): decisions/s of the
#     gateway's own limiter code with C decisions in flight, no HTTP or JWT, beside redis-benchmark with
#     C clients sending EVALSHA of the same script to the same Redis, taking turns; per algorithm.
#
# Everything runs here, on loopback, on free ports, in a directory of its own, and is stopped at the
# end: a Redis, an nginx (the upstream is an nginx `return 200`, the proxy another server block of
# it), one gateway process. Knobs: VUS (default 32), DURATION per target (default 20s), WARMUP of the
# gateway before it is measured (default 60s: after 10 s the JIT's compiler threads still spent 40 % of the
# gateway's CPU in the measured run; the report splits its CPU per request by thread), PROFILE=1
# (a JFR recording of the gateway during its run, rendered as a flame graph: flame.png; the recording
# costs the gateway some CPU, so compare figures of runs with the same setting), LIMITER=0 (skips 3).
set -euo pipefail
source "$SANDBOX_ROOT/loadtests/lib.sh"

VUS="${VUS:-32}"
DURATION="${DURATION:-20s}"
WARMUP="${WARMUP:-60s}"
K6="$(ensure_k6)"
PYTHON="$(ensure_python)"
REPORT="$(report_dir gateway)"
RUN="$REPORT/run"
mkdir -p "$RUN/tmp" "$RUN/nginx-temp"
JAR="$SANDBOX_ROOT/gateway/target/quarkus-app/quarkus-run.jar"
[[ -f "$JAR" ]] || { echo "missing $JAR (./mvnw package -DskipTests)" >&2; exit 1; }
command -v nginx >/dev/null || { [[ "$(id -u)" -eq 0 ]] && command -v apt-get >/dev/null \
  && { echo "installing nginx (apt-get) ..."; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light >/dev/null 2>&1 \
       || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null; }; }
NGINX="$(command -v nginx || echo /usr/sbin/nginx)"
[[ -x "$NGINX" ]] || { echo "nginx is needed: apt-get install -y nginx" >&2; exit 1; }

thread_ticks() { # $1 pid: user+sys ticks of its threads so far, by kind (event loops, JIT compilers, GC and VM, other)
  for task in /proc/"$1"/task/*; do sed 's/^[0-9]* (\(.*\)) [A-Za-z] \(.*\)/\1\t\2/' "$task/stat" 2>/dev/null; done | awk -F'\t' '
    { split($2, f, " "); ticks = f[11] + f[12]
      kind = $1 ~ /^vert\.x-eventloo/ ? "event loops" : $1 ~ /^C[12] CompilerThre/ ? "JIT compilers" : $1 ~ /^(VM |GC |G1 |Service Thread|VM Periodic)/ ? "GC and VM" : "other"
      sum[kind] += ticks }
    END { for (k in sum) printf "%s\t%d\n", k, sum[k] }'
}
free_port() { "$PYTHON" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }
REDIS_PORT="$(free_port)"; UPSTREAM_PORT="$(free_port)"; NGINX_PORT="$(free_port)"; GATEWAY_PORT="$(free_port)"
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap cleanup EXIT

echo "report: $REPORT"
load_average() { cut -d' ' -f1 /proc/loadavg; }
LOAD_START="$(load_average)"
touch "$REPORT/limiter.txt"
if [[ "${LIMITER:-1}" != 0 ]]; then
  echo "[0/6] the limiter alone beside redis-benchmark (LimiterBench: its own Redis, the gateway's limiter code) ..."
  (cd "$SANDBOX_ROOT" && ./mvnw -B -q -o -pl gateway -am test -Dlimiter.bench=true -Dtest=LimiterBench \
     -Dsurefire.failIfNoSpecifiedTests=false) > "$REPORT/limiter.log" 2>&1 || { tail -30 "$REPORT/limiter.log" >&2; exit 1; }
  grep -o 'LIMITER .*' "$REPORT/limiter.log" > "$REPORT/limiter.txt"
  sed 's/^/      /' "$REPORT/limiter.txt"
  while read -r _ fields; do
    declare -A f=()
    for kv in $fields; do f[${kv%%=*}]="${kv#*=}"; done
    ratio "$REPORT" "limiter alone (${f[algorithm]}) / redis-benchmark EVALSHA, ${f[clients]} clients" \
      "${f[limiter_per_s]}" "${f[redis_benchmark_per_s]}" decisions/s
    unset f
  done < "$REPORT/limiter.txt"
fi

echo "[1/6] starting Redis :$REDIS_PORT, nginx (upstream :$UPSTREAM_PORT, proxy :$NGINX_PORT) ..."
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no --dir "$RUN" --logfile "$RUN/redis.log" &
PIDS+=($!)
# Two nginx processes, one worker each, so each one's CPU per request is its own: the upstream (a
# small JSON answer, as cheap as an answer gets) and the plain reverse proxy (no auth, no limits).
nginx_conf() { # $1 name, $2 its server block
  mkdir -p "$RUN/$1-temp"
  cat > "$RUN/$1.conf" <<NGINX
worker_processes 1;
daemon off;
pid $RUN/$1.pid;
error_log $RUN/$1-error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $RUN/$1-temp; proxy_temp_path $RUN/$1-temp; fastcgi_temp_path $RUN/$1-temp;
  uwsgi_temp_path $RUN/$1-temp; scgi_temp_path $RUN/$1-temp;
  $2
}
NGINX
  "$NGINX" -c "$RUN/$1.conf" -p "$RUN" &
  PIDS+=($!)
}
nginx_conf upstream "server { listen 127.0.0.1:$UPSTREAM_PORT; location / { default_type application/json; return 200 '{\"id\":42,\"status\":\"ok\"}'; } }"
UPSTREAM_PID=$!
nginx_conf proxy "upstream app { server 127.0.0.1:$UPSTREAM_PORT; keepalive 64; }
  server { listen 127.0.0.1:$NGINX_PORT; location / { proxy_pass http://app; proxy_http_version 1.1; proxy_set_header Connection \"\"; } }"
PROXY_PID=$!

echo "[2/6] starting the gateway :$GATEWAY_PORT (JWT + rate limit on) ..."
cat > "$RUN/gateway.properties" <<PROPS
gateway.routes.bench.prefix=/api/bench
gateway.routes.bench.upstream-prefix=/
gateway.routes.bench.upstreams=http://127.0.0.1:$UPSTREAM_PORT
gateway.routes.bench.scopes=orders
# The same route again, its limiter in the leased mode.
gateway.routes.leased.prefix=/api/leased
gateway.routes.leased.upstream-prefix=/
gateway.routes.leased.upstreams=http://127.0.0.1:$UPSTREAM_PORT
gateway.routes.leased.scopes=orders
gateway.routes.leased.mode=leased
gateway.auth.dev-tokens.enabled=true
# Every request takes a real limiter decision in Redis, and every one is admitted.
gateway.rate-limit.tiers.pro.limit=1000000000
gateway.rate-limit.tiers.pro.window=1m
quarkus.log.category."gateway.access".level=WARN
PROPS
QUARKUS_HTTP_PORT="$GATEWAY_PORT" QUARKUS_REDIS_HOSTS="redis://127.0.0.1:$REDIS_PORT" \
  QUARKUS_CONFIG_LOCATIONS="file:$RUN/gateway.properties" \
  java -Xms64m -Xmx384m -XX:+UseSerialGC -Djava.io.tmpdir="$RUN/tmp" -jar "$JAR" > "$RUN/gateway.log" 2>&1 &
PIDS+=($!)
GATEWAY_PID=$!
for _ in $(seq 1 240); do
  curl -fs "http://127.0.0.1:$GATEWAY_PORT/q/health/ready" >/dev/null 2>&1 && break
  sleep 0.5
done
curl -fs "http://127.0.0.1:$GATEWAY_PORT/q/health/ready" >/dev/null || { echo "gateway not ready; log: $RUN/gateway.log" >&2; exit 1; }
curl -fs "http://127.0.0.1:$UPSTREAM_PORT/" >/dev/null && curl -fs "http://127.0.0.1:$NGINX_PORT/" >/dev/null

run_k6() { # $1 name, $2 target, $3 duration, [$4 token url, $5 the pid whose CPU per request is measured]
  echo "      $1: $VUS VUs for $3 -> $2"
  [[ -n "${5:-}" ]] && cpu_mark "$REPORT" "$1" "$5"
  TARGET="$2" TOKEN_URL="${4:-}" VUS="$VUS" DURATION="$3" \
    "$K6" run --quiet --no-color $([[ "$1" == warmup ]] && echo --no-thresholds) --summary-export "$REPORT/$1.json" "$SANDBOX_ROOT/loadtests/gateway/proxy.js" \
    > "$REPORT/$1.k6.txt" 2>&1 || { echo "k6 failed for $1 (thresholds or errors): $REPORT/$1.k6.txt" >&2; tail -20 "$REPORT/$1.k6.txt" >&2; exit 1; }
  [[ -n "${5:-}" ]] && cpu_mark "$REPORT" "$1" "$5"
  return 0
}
served() { "$PYTHON" -c "import json, sys; print(int(json.load(open(sys.argv[1]))['metrics']['http_reqs']['count']))" "$REPORT/$1.json"; }
redis_calls() { # the limiter's script calls Redis has served so far
  redis-cli -p "$REDIS_PORT" INFO commandstats | tr -d '\r' | awk -F'[=,:]' '/^cmdstat_eval(sha)?:/ { sum += $3 } END { printf "%d", sum }'
}
decisions() { # the value is the second field: an exemplar (# {span_id=...} ...) may follow it
  curl -fs "http://127.0.0.1:$GATEWAY_PORT/q/metrics" | awk '/^gateway_ratelimit_decisions_total/ { sum += $2 } END { printf "%d", sum }'
}

echo "[3/6] warming the gateway up ($WARMUP, not measured, so no thresholds: a cold JVM is slow) ..."
run_k6 warmup "http://127.0.0.1:$GATEWAY_PORT/api/bench/items/42" "$WARMUP" "http://127.0.0.1:$GATEWAY_PORT/auth/token"

echo "[4/6] measuring, one target after the other ..."
run_k6 direct "http://127.0.0.1:$UPSTREAM_PORT/items/42" "$DURATION" "" "$UPSTREAM_PID"
run_k6 nginx "http://127.0.0.1:$NGINX_PORT/items/42" "$DURATION" "" "$PROXY_PID"
[[ -n "${PROFILE:-}" ]] && "$JAVA_HOME/bin/jcmd" "$GATEWAY_PID" JFR.start name=bench settings=profile jdk.ExecutionSample#period=2ms >/dev/null
calls_before="$(redis_calls)"
before="$(decisions)"; started="$(date +%s.%N)"
thread_ticks "$GATEWAY_PID" > "$REPORT/threads-before.tsv"
run_k6 gateway "http://127.0.0.1:$GATEWAY_PORT/api/bench/items/42" "$DURATION" "http://127.0.0.1:$GATEWAY_PORT/auth/token" "$GATEWAY_PID"
thread_ticks "$GATEWAY_PID" > "$REPORT/threads-after.tsv"
after="$(decisions)"; ended="$(date +%s.%N)"
calls_after="$(redis_calls)"
echo "$before $after $started $ended" > "$REPORT/decisions.txt"
if [[ -n "${PROFILE:-}" ]]; then
  "$JAVA_HOME/bin/jcmd" "$GATEWAY_PID" JFR.stop name=bench filename="$REPORT/gateway.jfr" >/dev/null
  # Samples of threads waiting in epoll are idle time, not work: left out.
  java -jar "$(ensure_jfr_converter)" --dot -X '.*(EPoll\.wait|Native\.epollWait).*' -o collapsed "$REPORT/gateway.jfr" "$REPORT/gateway.collapsed" >/dev/null
  "$PYTHON" "$SANDBOX_ROOT/loadtests/gateway/flame.py" "$REPORT/gateway.collapsed" "$REPORT/flame.png" \
    "gateway under ./sandbox bench gateway (JFR CPU samples)" > "$REPORT/self-time.txt"
  echo "      flame graph: $REPORT/flame.png; most samples in: $(head -3 "$REPORT/self-time.txt" | tr -s ' ' | paste -sd,)"
fi
run_k6 gateway-leased "http://127.0.0.1:$GATEWAY_PORT/api/leased/items/42" "$DURATION" "http://127.0.0.1:$GATEWAY_PORT/auth/token" "$GATEWAY_PID"
calls_leased="$(redis_calls)"
CALLS_EXACT="$(awk -v c="$((calls_after - calls_before))" -v n="$(served gateway)" 'BEGIN { printf "%.3f", c / n }')"
CALLS_LEASED="$(awk -v c="$((calls_leased - calls_after))" -v n="$(served gateway-leased)" 'BEGIN { printf "%.3f", c / n }')"
figure "$REPORT" "gateway, exact limiter: Redis calls per request" "$CALLS_EXACT" "calls/request"
figure "$REPORT" "gateway, leased limiter: Redis calls per request" "$CALLS_LEASED" "calls/request"
# CPU per request of each process on its path (lib.sh), and the gateway's against the plain proxy's.
CPU_UPSTREAM="$(cpu_per_request "$REPORT" direct "$(served direct)" "upstream nginx (direct), CPU per request")"
CPU_NGINX="$(cpu_per_request "$REPORT" nginx "$(served nginx)" "nginx reverse proxy, CPU per request")"
CPU_GATEWAY="$(cpu_per_request "$REPORT" gateway "$(served gateway)" "gateway, CPU per request")"
CPU_LEASED="$(cpu_per_request "$REPORT" gateway-leased "$(served gateway-leased)" "gateway (leased limiter), CPU per request")"
ratio "$REPORT" "gateway / nginx, CPU per request" "$CPU_GATEWAY" "$CPU_NGINX" "µs CPU/request"
# The gateway's CPU per request by the kind of thread that spent it: the requests' own work is on the event
# loops; the JIT's compiler threads, GC and the VM's own threads are the JVM's, still busy after a short warm-up.
awk -F'\t' -v n="$(served gateway)" -v hz="$(getconf CLK_TCK)" '
  FNR == NR { before[$1] = $2; next }
  { spent[$1] = ($2 - before[$1]) * 1e6 / hz / n }
  END { printf "event loops %.0f, JIT compilers %.0f, GC and VM %.0f, other %.0f", spent["event loops"], spent["JIT compilers"], spent["GC and VM"], spent["other"] }' \
  "$REPORT/threads-before.tsv" "$REPORT/threads-after.tsv" > "$REPORT/threads.txt"
echo "      gateway CPU µs/request by thread: $(cat "$REPORT/threads.txt")"

echo "[5/6] redis-benchmark: the EVALSHA ceiling of the same script on the same Redis ..."
SCRIPT="$SANDBOX_ROOT/gateway/src/main/resources/ratelimit/sliding-window-counter.lua"
SHA="$(redis-cli -p "$REDIS_PORT" SCRIPT LOAD "$(cat "$SCRIPT")")"
for pipeline in 1 16; do
  redis-benchmark -p "$REDIS_PORT" -c 50 -n 200000 -P "$pipeline" -q \
    EVALSHA "$SHA" 1 'gateway:rl:{bench:ceiling}:sliding-window-counter' 1000000000 60000 member \
    | tr '\r' '\n' | grep -E 'requests per second' | tail -1 > "$REPORT/redis-benchmark-P$pipeline.txt"
  echo "      pipeline $pipeline: $(cat "$REPORT/redis-benchmark-P$pipeline.txt")"
done

echo "$LOAD_START / $(load_average)" > "$REPORT/load.txt"
echo "[6/6] report ..."
"$PYTHON" - "$REPORT" "$VUS" "$DURATION" "$CPU_UPSTREAM" "$CPU_NGINX" "$CPU_GATEWAY" "$CPU_LEASED" "$CALLS_EXACT" "$CALLS_LEASED" <<'PY'
import json, re, sys, pathlib
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt

report, vus, duration = pathlib.Path(sys.argv[1]), sys.argv[2], sys.argv[3]
cpu = {name: float(value) if value else float("nan") for name, value in zip(("direct", "nginx", "gateway", "gateway-leased"), sys.argv[4:8])}
calls = {"gateway": sys.argv[8], "gateway-leased": sys.argv[9]}
rows = {}
for name in ("direct", "nginx", "gateway", "gateway-leased"):
    metrics = json.loads((report / f"{name}.json").read_text())["metrics"]
    d = metrics["http_req_duration"]
    rows[name] = {"rps": metrics["http_reqs"]["rate"], "p50": d["med"], "p99": d["p(99)"]}
before, after, started, ended = (float(x) for x in (report / "decisions.txt").read_text().split())
decisions_per_s = (after - before) / (ended - started)
ceiling = {}
for p in (1, 16):
    text = (report / f"redis-benchmark-P{p}.txt").read_text()
    match = re.search(r"([0-9.]+) requests per second", text)
    ceiling[p] = float(match.group(1)) if match else float("nan")

base = rows["direct"]
lines = [
    "# Gateway benchmark",
    "",
    f"One small GET, {vus} virtual users, {duration} per target, one target after the other, same machine (loopback).",
    "The upstream is an nginx `return 200`; the gateway authenticates an RS256 JWT and takes a Redis rate-limit",
    "decision (sliding-window counter, Lua) on every request. Reproduce: `./sandbox bench gateway`.",
    "",
    "CPU per request: user+sys of the one process that serves the target (the upstream nginx, the proxy nginx,",
    "the gateway's JVM) from /proc over its run, divided by the requests it served.",
    "",
    "| path | requests/s | p50 ms | p99 ms | throughput vs direct | p50 vs direct | p99 vs direct | CPU µs/request | Redis calls/request |",
    "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
]
for name, label in (("direct", "direct to the upstream"), ("nginx", "nginx reverse proxy"), ("gateway", "gateway (JWT + rate limit)"),
                    ("gateway-leased", "gateway, leased limiter")):
    r = rows[name]
    lines.append(f"| {label} | {r['rps']:.0f} | {r['p50']:.2f} | {r['p99']:.2f} | {r['rps']/base['rps']:.2f}x | "
                 f"{r['p50']/base['p50']:.1f}x | {r['p99']/base['p99']:.1f}x | {cpu[name]:.0f} | {calls.get(name, '')} |")
lines += [
    "",
    f"Gateway vs nginx: {rows['gateway']['rps']/rows['nginx']['rps']:.2f}x the throughput, "
    f"{rows['gateway']['p99']/rows['nginx']['p99']:.1f}x the p99, {cpu['gateway']/cpu['nginx']:.1f}x the CPU per request.",
    f"The gateway's CPU µs per request (exact limiter) by thread: {(report / 'threads.txt').read_text().strip()}.",
    "",
    "| limiter | decisions/s |",
    "|---|---:|",
    f"| gateway, during its run above | {decisions_per_s:.0f} |",
    f"| redis-benchmark EVALSHA, 50 clients, no pipelining | {ceiling[1]:.0f} |",
    f"| redis-benchmark EVALSHA, 50 clients, pipeline 16 | {ceiling[16]:.0f} |",
    "",
    f"The gateway used {100*decisions_per_s/ceiling[1]:.1f}% of Redis' unpipelined EVALSHA ceiling "
    f"({100*decisions_per_s/ceiling[16]:.1f}% of the pipelined one): one Redis could take the decisions of about "
    f"{ceiling[1]/max(decisions_per_s, 1):.0f} gateway instances running this fast before the limiter became the bottleneck.",
    "",
    "The limiter alone (the gateway's own limiter code, no HTTP or JWT) against redis-benchmark, C decisions in",
    "flight on each side, EVALSHA of the same script with the same arguments, same Redis, taking turns (best round",
    "of each); CPU per decision of the client (the limiter's JVM, redis-benchmark) and of Redis:",
    "",
    "| algorithm | clients | limiter decisions/s | redis-benchmark/s | ratio | client CPU µs: limiter / redis-benchmark | Redis CPU µs: limiter / redis-benchmark |",
    "|---|---:|---:|---:|---:|---:|---:|",
]
for line in (report / "limiter.txt").read_text().splitlines():
    f = dict(kv.split("=") for kv in line.split()[1:])
    lines.append(f"| {f['algorithm']} | {f['clients']} | {float(f['limiter_per_s']):.0f} | {float(f['redis_benchmark_per_s']):.0f} | "
                 f"{float(f['ratio']):.2f}x | {f['client_cpu_us_limiter']} / {f['client_cpu_us_benchmark']} | "
                 f"{f['redis_cpu_us_limiter']} / {f['redis_cpu_us_benchmark']} |")
lines += [
    "",
    f"Machine load (1-minute load average) at start / end: {(report / 'load.txt').read_text().strip()} "
    "(2 cores; anything else running skews every figure, the ratios less than the absolute ones).",
]
(report / "report.md").write_text("\n".join(lines) + "\n")
with open(report / "ratios.tsv", "a") as ratios:  # the headline figures, for ./sandbox bench's summary (lib.sh)
    for name, a, b, unit in (("gateway / direct, requests/s", rows["gateway"]["rps"], base["rps"], "requests/s"),
                             ("gateway / nginx, requests/s", rows["gateway"]["rps"], rows["nginx"]["rps"], "requests/s"),
                             ("gateway / direct, p99", rows["gateway"]["p99"], base["p99"], "ms"),
                             ("gateway leased / exact limiter, requests/s", rows["gateway-leased"]["rps"], rows["gateway"]["rps"], "requests/s"),
                             ("limiter decisions / Redis EVALSHA ceiling", decisions_per_s, ceiling[1], "decisions/s")):
        ratios.write(f"{name}\t{a / b:.3f}\tx\t./sandbox bench gateway\t{a:.4g} / {b:.4g} {unit}\n")

fig, (a, b, c) = plt.subplots(1, 3, figsize=(13, 4))
names = ["direct", "nginx", "gateway"]
a.bar(names, [rows[n]["rps"] for n in names], color=["#999", "#4a8", "#36c"]); a.set_title("requests/s")
b.bar([f"{n}\np50" for n in names] + [f"{n}\np99" for n in names],
      [rows[n]["p50"] for n in names] + [rows[n]["p99"] for n in names], color=["#999", "#4a8", "#36c"] * 2)
b.set_title("latency (ms)"); b.tick_params(axis="x", labelsize=7)
c.bar(["gateway\ndecisions/s", "EVALSHA\nP=1", "EVALSHA\nP=16"], [decisions_per_s, ceiling[1], ceiling[16]], color=["#36c", "#c63", "#c63"])
c.set_title("limiter decisions/s vs Redis ceiling")
fig.suptitle(f"gateway benchmark ({vus} VUs, {duration} each)")
fig.tight_layout(); fig.savefig(report / "gateway.png", dpi=110)
print("\n".join(lines))
PY
echo
echo "report: $REPORT/report.md, chart: $REPORT/gateway.png"
