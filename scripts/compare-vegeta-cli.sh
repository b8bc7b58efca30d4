#!/usr/bin/env bash
# Checks that the harness adds no hidden latency: attacks the uninstrumented
# target with vegeta's own CLI and with otelbench, at the same rate and length,
# and prints both latency reports side by side.
#
#   scripts/compare-vegeta-cli.sh [RATE] [DURATION]     (default 1000 5s)
set -euo pipefail
cd "$(dirname "$0")/.."
rate=${1:-1000}
duration=${2:-5s}
work=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT

make -s build
GOBIN="$work" go install github.com/tsenart/vegeta/v12@v12.13.0

# vegeta's CLI against a fresh uninstrumented target.
bin/otelbench-target -variant none -cpu 20us >"$work/ready" 2>"$work/target.log" &
pid=$!
for _ in $(seq 100); do [ -s "$work/ready" ] && break; sleep 0.05; done
addr=$(sed -n 's/.*"addr":"\([^"]*\)".*/\1/p' "$work/ready")
echo "GET http://$addr/process/1" | "$work/vegeta" attack -rate "$rate" -duration 1s >/dev/null # warm-up
echo "== vegeta CLI, $rate/s for $duration"
echo "GET http://$addr/process/1" | "$work/vegeta" attack -rate "$rate" -duration "$duration" -max-body 0 | "$work/vegeta" report
kill -TERM "$pid"; wait "$pid" || true

# otelbench against another fresh one, same rate, length and work.
cat >"$work/cli.yaml" <<YAML
name: cli-compare
rates: [$rate]
duration: $duration
warmup: 1s
workload:
  cpu: 20us
variants:
  - name: none
    kind: none
YAML
echo "== otelbench, $rate/s for $duration"
bin/otelbench run -q -profile "$work/cli.yaml" -results "$work/results" | sed -n '/requests\/s/,/^$/p'
