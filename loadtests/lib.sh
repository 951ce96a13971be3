# Shared by loadtests/*/bench.sh (sourced, not run). ./sandbox bench sets SANDBOX_ROOT, JAVA_HOME
# and PATH. Tools come from `./sandbox tool`, which builds each once at a pinned version.

: "${SANDBOX_ROOT:?run benchmarks through ./sandbox bench}"

# Each prints the path of the tool, building it first if needed.
ensure_k6() { "$SANDBOX_ROOT/sandbox" tool k6; }
ensure_toxiproxy() { "$SANDBOX_ROOT/sandbox" tool toxiproxy-server; }
ensure_python() { "$SANDBOX_ROOT/sandbox" tool python; }   # a Python with matplotlib, for charts
# async-profiler's converter of JFR recordings (flame graphs, collapsed stacks), from Maven Central.
JFR_CONVERTER_VERSION=4.2
ensure_jfr_converter() {
  local jar="$SANDBOX_ROOT/.sandbox/tools/jfr-converter-$JFR_CONVERTER_VERSION.jar"
  if [[ ! -f "$jar" ]]; then
    "$SANDBOX_ROOT/mvnw" -q -B -N -f "$SANDBOX_ROOT/pom.xml" dependency:copy -Dartifact="tools.profiler:jfr-converter:$JFR_CONVERTER_VERSION" \
      -DoutputDirectory="$SANDBOX_ROOT/.sandbox/tools" -Dmdep.stripVersion=false >&2 || return 1
  fi
  printf '%s' "$jar"
}

# Where a benchmark writes its report: .sandbox/bench/<name>/<timestamp>.
report_dir() {
  local dir="$SANDBOX_ROOT/.sandbox/bench/$1/$(date +%Y%m%d-%H%M%S)"
  mkdir -p "$dir"
  printf '%s' "$dir"
}

# The headline figures of a benchmark, for the one table `./sandbox bench` (no name) writes: each is
# a line of <report>/ratios.tsv, "name<TAB>value<TAB>unit<TAB>command<TAB>detail", where command
# reproduces it (by default ./sandbox bench <this benchmark>). A value that could not be measured
# (empty, not a number) is left out with a warning: the benchmark's own report still says why.
#   ratio  <report> <name> <numerator> <denominator> [what they count] [command]   value = numerator / denominator
#   figure <report> <name> <value> <unit> [detail] [command]
figure() {
  local report="$1" name="$2" value="$3" unit="$4" detail="${5:-}"
  local command="${6:-./sandbox bench $(basename "$(dirname "$report")")}"
  if [[ ! "$value" =~ ^[0-9]+([.][0-9]+)?$ ]]; then
    printf 'bench: no figure for "%s" (got "%s")\n' "$name" "$value" >&2
    return 0
  fi
  printf '%s\t%s\t%s\t%s\t%s\n' "$name" "$value" "$unit" "$command" "$detail" >> "$report/ratios.tsv"
}
ratio() {
  local value
  value="$(awk -v a="$3" -v b="$4" 'BEGIN { if (a ~ /^[0-9.]+$/ && b ~ /^[0-9.]+$/ && b > 0) printf "%.3f", a / b }')"
  figure "$1" "$2" "$value" x "$3 / $4${5:+ $5}" "${6:-}"
}

# CPU time per request: user+sys of the processes on a path over the measured interval, divided by
# the requests they served. On a shared machine it moves far less between runs than requests/s.
# Read from /proc/<pid>/stat (utime, stime; with the time of children already waited for), for a
# process and the processes it started (nginx's workers), in seconds.
#   cpu_seconds <pid>                       the CPU time so far
#   cpu_mark <report> <label> <pid>         before the interval, then again after it (pairs in cpu.tsv)
#   cpu_per_request <report> <label> <requests> [name] [unit] [command]
#       the µs of CPU per request (or event: unit) between the two marks of <label>: printed, and a
#       figure of ratios.tsv
cpu_seconds() {
  local pid="$1" ticks=0 child
  for child in $pid $(cat "/proc/$pid/task/"*/children 2>/dev/null); do
    # The fields after "pid (comm) ", counted from the state: utime is the 12th, stime the 13th,
    # cutime and cstime the 14th and 15th. comm may hold spaces, so cut at the last ")".
    ticks=$((ticks + $(sed 's/.*) //' "/proc/$child/stat" 2>/dev/null | awk '{ print $12 + $13 + $14 + $15 }' || echo 0)))
  done
  awk -v t="$ticks" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.3f", t / hz }'
}
cpu_mark() {
  printf '%s\t%s\n' "$2" "$(cpu_seconds "$3")" >> "$1/cpu.tsv"
}
cpu_per_request() {
  local report="$1" label="$2" requests="$3" name="${4:-$2, CPU per request}" unit="${5:-µs CPU/request}" value
  value="$(awk -F'\t' -v label="$label" -v n="$requests" '
    $1 == label { mark[++marks] = $2 }
    END { if (marks >= 2 && n > 0) printf "%.1f", (mark[marks] - mark[marks - 1]) * 1e6 / n }' "$report/cpu.tsv")"
  figure "$report" "$name" "$value" "$unit" "$label: user+sys over the interval / $requests" "${6:-}"
  printf '%s' "$value"
}
