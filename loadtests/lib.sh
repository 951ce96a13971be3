# Shared by loadtests/*/bench.sh (sourced, not run). ./sandbox bench sets SANDBOX_ROOT, JAVA_HOME
# and PATH. Tools come from `./sandbox tool`, which builds each once at a pinned version.

: "${SANDBOX_ROOT:?run benchmarks through ./sandbox bench}"

# Each prints the path of the tool, building it first if needed.
ensure_k6() { "$SANDBOX_ROOT/sandbox" tool k6; }
ensure_toxiproxy() { "$SANDBOX_ROOT/sandbox" tool toxiproxy-server; }
ensure_python() { "$SANDBOX_ROOT/sandbox" tool python; }   # a Python with matplotlib, for charts

# Where a benchmark writes its report: .sandbox/bench/<name>/<timestamp>.
report_dir() {
  local dir="$SANDBOX_ROOT/.sandbox/bench/$1/$(date +%Y%m%d-%H%M%S)"
  mkdir -p "$dir"
  printf '%s' "$dir"
}
