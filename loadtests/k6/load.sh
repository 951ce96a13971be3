#!/usr/bin/env bash
# ./sandbox load <script> [--profile P] [--vus N] [--duration D]: one k6 script of loadtests/k6
# against the sandbox running for this clone (or for SANDBOX_RUN), through its gateway.
#
# Prints k6's progress and the script's summary, writes a report directory and prints its path as
# the LAST line, "report: <dir>", holding
#   summary.json   k6's end-of-test summary data (handleSummary): metrics[name].values, .thresholds[expr].ok
#   summary.txt    the summary as printed
#   metrics.csv    every sample (k6 --out csv): metric_name, timestamp, metric_value, tags
# The exit code is k6's: 0, or 99 when a threshold was crossed (another non-zero: k6 could not run).
# Experiments start it in the background and read the report afterwards.
set -euo pipefail
: "${SANDBOX_ROOT:?run it as ./sandbox load}"
HERE="$SANDBOX_ROOT/loadtests/k6"
SANDBOX="$SANDBOX_ROOT/sandbox"

scripts() { (cd "$HERE" && ls -- *.js) | sed 's/\.js$//' | paste -sd, - | sed 's/,/, /g'; }
die() { printf 'sandbox load: %s\n' "$*" >&2; exit 2; }
usage() { die "usage: ./sandbox load <script> [--profile smoke|load|stress|spike|soak] [--vus N] [--duration D]; scripts: $(scripts)"; }

[[ $# -ge 1 ]] || usage
name="$(basename "${1%.js}")"
shift
[[ -f "$HERE/$name.js" ]] || die "no load script named $name; scripts: $(scripts)"
profile=smoke vus="" duration=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --profile|--vus|--duration) [[ $# -ge 2 ]] || usage; declare "${1#--}=$2"; shift 2 ;;
    --profile=*|--vus=*|--duration=*) option="${1%%=*}"; declare "${option#--}=${1#*=}"; shift ;;
    *) usage ;;
  esac
done
case "$profile" in smoke|load|stress|spike|soak) ;; *) die "no profile $profile: smoke, load, stress, spike or soak" ;; esac
[[ -z "$vus" || "$vus" =~ ^[1-9][0-9]*$ ]] || die "--vus takes a whole number, not $vus"
[[ -z "$duration" || "$duration" =~ ^([0-9]+(ms|s|m|h))+$ ]] || die "--duration takes a k6 duration (30s, 2m, 1h30m), not $duration"

# The gateway's address, from the status table (component, pid, port, ready, RSS, "MB", address).
status="$("$SANDBOX" status 2>&1)" || true
gateway="$(awk '$1 == "gateway" && $4 == "yes" { print $7 }' <<<"$status")"
[[ -n "$gateway" ]] || die "the gateway of this sandbox is not up and ready (./sandbox up first); status:
$status"
# The demo API key the gateway noted at start-up (beside its log), if any.
api_key=""
notes="$(dirname "${SANDBOX_GATEWAY_LOG:-/nonexistent/log}")/notes.txt"
if [[ -f "$notes" ]]; then
  api_key="$(grep -o "X-API-Key: [^' ]*" "$notes" | head -1 | cut -d' ' -f2)" || true
fi

K6="$("$SANDBOX" tool k6)"
run="$name-$(date +%Y%m%d-%H%M%S)-$$"
report="$SANDBOX_ROOT/.sandbox/load/$run"
mkdir -p "$report"
printf 'load: %s.js, profile %s%s%s, against %s%s\n' "$name" "$profile" "${vus:+, $vus VUs}" "${duration:+, $duration}" \
  "$gateway" "${api_key:+ (tokens and the demo API key)}"

settings=(-e "PROFILE=$profile" -e "GATEWAY_URL=$gateway" -e "LOAD_RUN=$run" -e "SUMMARY_JSON=$report/summary.json"
  -e "SUMMARY_TEXT=$report/summary.txt")
[[ -n "$vus" ]] && settings+=(-e "VUS=$vus")
[[ -n "$duration" ]] && settings+=(-e "DURATION=$duration")
[[ -n "$api_key" ]] && settings+=(-e "API_KEY=$api_key")
code=0
# --address: k6's API server on a free port, so that runs side by side (an experiment's) do not collide.
"$K6" run --no-color --address 127.0.0.1:0 "${settings[@]}" --out "csv=$report/metrics.csv" "$HERE/$name.js" || code=$?
case "$code" in
  0) ;;
  99) printf 'load: thresholds crossed (exit 99)\n' ;;
  *) printf 'load: k6 ended with exit code %s\n' "$code" ;;
esac
printf 'report: %s\n' "$report"
exit "$code"
