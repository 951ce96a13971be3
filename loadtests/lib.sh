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
