# Shared by loadtests/*/bench.sh (sourced, not run). ./sandbox bench sets SANDBOX_ROOT, JAVA_HOME
# and PATH. Tools are built once into .sandbox/tools, at pinned versions, from the Go module proxy
# and PyPI.

TOOLS="${SANDBOX_ROOT:?run benchmarks through ./sandbox bench}/.sandbox/tools"
K6_VERSION=v1.8.1
TOXIPROXY_VERSION=v2.5.0
MATPLOTLIB_VERSION=3.9.2

# Prints the path of k6, building it first if needed (a few minutes, once).
ensure_k6() {
  if [[ ! -x "$TOOLS/k6" ]]; then
    command -v go >/dev/null || { echo "k6 is built with Go; install Go (https://go.dev/dl/)" >&2; return 1; }
    echo "building k6 $K6_VERSION (once) ..." >&2
    GOBIN="$TOOLS" go install "go.k6.io/k6@$K6_VERSION" >&2
  fi
  printf '%s' "$TOOLS/k6"
}

# Prints the path of toxiproxy-server, building it first if needed.
ensure_toxiproxy() {
  if [[ ! -x "$TOOLS/toxiproxy-server" ]]; then
    command -v go >/dev/null || { echo "toxiproxy is built with Go; install Go (https://go.dev/dl/)" >&2; return 1; }
    echo "building toxiproxy $TOXIPROXY_VERSION (once) ..." >&2
    local build
    build="$(mktemp -d)"
    GOBIN="$build" go install "github.com/Shopify/toxiproxy/v2/cmd/server@$TOXIPROXY_VERSION" >&2
    mkdir -p "$TOOLS" && mv "$build/server" "$TOOLS/toxiproxy-server" && rm -rf "$build"
  fi
  printf '%s' "$TOOLS/toxiproxy-server"
}

# Prints the path of a Python with matplotlib, for the charts of a report.
ensure_python() {
  if [[ ! -x "$TOOLS/venv/bin/python" ]]; then
    echo "creating a Python environment with matplotlib $MATPLOTLIB_VERSION (once) ..." >&2
    python3 -m venv "$TOOLS/venv" >&2
    "$TOOLS/venv/bin/pip" install -q "matplotlib==$MATPLOTLIB_VERSION" >&2
  fi
  printf '%s' "$TOOLS/venv/bin/python"
}

# Where a benchmark writes its report: .sandbox/bench/<name>/<timestamp>.
report_dir() {
  local dir="$SANDBOX_ROOT/.sandbox/bench/$1/$(date +%Y%m%d-%H%M%S)"
  mkdir -p "$dir"
  printf '%s' "$dir"
}
