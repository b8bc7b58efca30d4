#!/usr/bin/env bash
# Compares what the standalone `otelbench sink` and a real OpenTelemetry
# Collector (otlp → nop, collector/bin/otelcol, configured as
# internal/collector configures it) cost per span received, on the same load:
# the bundled target (bin/otelbench-target) in batch mode with 3 spans per
# request, attacked by vegeta's CLI. Rounds alternate sink, collector, sink,
# collector, ...; each round starts a fresh receiver and a fresh target, so
# that no round inherits another's state. A receiver's CPU time is read from
# /proc/PID/stat (utime + stime, whole process) just before the attack and
# again once the target has exited, after its final flush; its spans are
# what it says it received (the sink's final counts; the collector's
# otelcol_receiver_accepted_spans). Loopback only, free ports, and every
# process it starts is gone when it exits.
#
#   scripts/compare-sink-otelcol.sh [PAIRS] [RATE] [DURATION]   (default 3 3000 10s)
#
# OTELCOL overrides the collector binary. Wrap it in
# `flock /tmp/otelbench-load.lock` on a shared machine: it measures load.
set -euo pipefail
cd "$(dirname "$0")/.."
pairs=${1:-3}
rate=${2:-3000}
duration=${3:-10s}
otelcol=${OTELCOL:-collector/bin/otelcol}
[ -x "$otelcol" ] || { echo "no collector at $otelcol: run make collector" >&2; exit 2; }

# A stray OTEL_* in the caller's shell would change what is measured.
while read -r v; do unset "$v"; done < <(compgen -e | grep '^OTEL_' || true)

work=$(mktemp -d)
started=() # every process this script started, killed on exit
cleanup() {
	for p in "${started[@]}"; do kill -KILL "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

make -s build
[ -x "$work/vegeta" ] || GOBIN="$work" go install github.com/tsenart/vegeta/v12@v12.13.0
ticks=$(getconf CLK_TCK)

# free_port prints a loopback TCP port that nothing listens on now.
free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# cpu_ticks PID prints the process's user + system CPU time in clock ticks
# (fields 14 and 15 of /proc/PID/stat, counted after the command name).
cpu_ticks() {
	local stat
	stat=$(<"/proc/$1/stat")
	stat=${stat##*) }
	awk '{print $12 + $13}' <<<"$stat"
}

# wait_for WHAT CMD... retries CMD for up to 10 s.
wait_for() {
	local what=$1
	shift
	for _ in $(seq 200); do "$@" 2>/dev/null && return 0; sleep 0.05; done
	echo "gave up waiting for $what" >&2
	return 1
}

# stop PID sends SIGTERM to a child of this shell and waits for it to
# exit, killing it after 20 s.
stop() {
	local watchdog
	kill -TERM "$1" 2>/dev/null || true
	(sleep 20 && kill -KILL "$1" 2>/dev/null) &
	watchdog=$!
	wait "$1" 2>/dev/null || true
	kill "$watchdog" 2>/dev/null || true
	wait "$watchdog" 2>/dev/null || true
}

# start_sink starts `otelbench sink`; sets recv_pid and endpoint.
start_sink() {
	bin/otelbench sink -listen 127.0.0.1:0 -every 0 >"$work/sink.out" 2>"$work/sink.err" &
	recv_pid=$!
	started+=("$recv_pid")
	wait_for "the sink" grep -q 'OTEL_EXPORTER_OTLP_ENDPOINT=' "$work/sink.out"
	endpoint=$(sed -n 's/.*OTEL_EXPORTER_OTLP_ENDPOINT=\(http[^ ]*\).*/\1/p' "$work/sink.out")
}

# stop_sink stops the sink and sets spans to what it received.
stop_sink() {
	stop "$recv_pid"
	spans=$(sed -n 's/^final: .* spans=\([0-9]*\) .*/\1/p' "$work/sink.out")
}

# start_otelcol starts the collector with internal/collector's configuration
# (no batch processor); sets recv_pid, endpoint and metrics.
start_otelcol() {
	local otlp mport
	otlp=$(free_port)
	mport=$(free_port)
	cat >"$work/otelcol.yaml" <<YAML
receivers:
  otlp:
    protocols:
      grpc:
        endpoint: 127.0.0.1:$otlp
exporters:
  nop: {}
service:
  telemetry:
    logs:
      level: info
    traces:
      level: none
    metrics:
      level: normal
      readers:
        - pull:
            exporter:
              prometheus:
                host: 127.0.0.1
                port: $mport
                without_scope_info: true
                without_type_suffix: true
                without_units: true
  pipelines:
    traces:
      receivers: [otlp]
      exporters: [nop]
YAML
	"$otelcol" --config "file:$work/otelcol.yaml" --feature-gates=telemetry.newPipelineTelemetry \
		>"$work/otelcol.log" 2>&1 &
	recv_pid=$!
	started+=("$recv_pid")
	endpoint="http://127.0.0.1:$otlp"
	metrics="http://127.0.0.1:$mport/metrics"
	wait_for "the collector's OTLP port" bash -c "exec 3<>/dev/tcp/127.0.0.1/$otlp"
	wait_for "the collector's metrics" curl -sf --noproxy '*' -o /dev/null "$metrics"
}

# stop_otelcol sets spans to what the collector accepted, then stops it.
stop_otelcol() {
	spans=$(curl -sf --noproxy '*' "$metrics" |
		awk '$1 ~ /^otelcol_receiver_accepted_spans(_total)?(\{|$)/ {n += $NF} END {printf "%d\n", n}')
	stop "$recv_pid"
}

# round KIND runs one attack against a fresh receiver of KIND (sink or
# otelcol) and writes "KIND CPU_SECONDS SPANS REQUESTS_OK" to $work/round.
# It runs in this shell, not a subshell, so that the EXIT trap knows every
# process it starts.
round() {
	local kind=$1 tpid addr c0 c1 ok
	"start_$kind"
	OTEL_EXPORTER_OTLP_ENDPOINT=$endpoint bin/otelbench-target -variant batch -extra-spans 1 \
		>"$work/ready" 2>"$work/target.log" &
	tpid=$!
	started+=("$tpid")
	wait_for "the target" grep -q '"addr"' "$work/ready"
	addr=$(sed -n 's/.*"addr":"\([^"]*\)".*/\1/p' "$work/ready")
	c0=$(cpu_ticks "$recv_pid")
	echo "GET http://$addr/process/1" |
		"$work/vegeta" attack -rate "$rate" -duration "$duration" -max-body 0 >"$work/results.bin"
	stop "$tpid" # SIGTERM: the target flushes what it holds, then exits
	c1=$(cpu_ticks "$recv_pid")
	"stop_$kind"
	ok=$("$work/vegeta" report -type=json "$work/results.bin" |
		python3 -c 'import json,sys; r=json.load(sys.stdin); print(int(round(r["requests"]*r["success"])))')
	awk -v k="$kind" -v c=$((c1 - c0)) -v t="$ticks" -v s="$spans" -v ok="$ok" \
		'BEGIN {printf "%s %.2f %d %d\n", k, c / t, s, ok}' >"$work/round"
}

echo "== $pairs pairs, batch target with 3 spans per request, $rate req/s for $duration each"
printf '%-5s %-9s %8s %9s %9s %16s\n' round receiver cpu_s spans req_ok cpu_s_per_M_spans
: >"$work/rounds"
for i in $(seq "$pairs"); do
	for kind in sink otelcol; do
		round "$kind"
		read -r k cpu spans ok <"$work/round"
		echo "$k $cpu $spans" >>"$work/rounds"
		awk -v i="$i" -v k="$k" -v c="$cpu" -v s="$spans" -v ok="$ok" \
			'BEGIN {printf "%-5d %-9s %8.2f %9d %9d %16.2f\n", i, k, c, s, ok, (s > 0 ? c / s * 1e6 : 0)}'
	done
done
# The median round of each receiver, and the ratio of the medians.
awk '
	{ cpu[$1] += $2; spans[$1] += $3; per[$1, ++n[$1]] = ($3 > 0 ? $2 / $3 * 1e6 : 0) }
	function median(k,   i, j, t, m, a) {
		m = n[k]
		for (i = 1; i <= m; i++) a[i] = per[k, i]
		for (i = 1; i <= m; i++) for (j = i + 1; j <= m; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
		return m % 2 ? a[(m + 1) / 2] : (a[m / 2] + a[m / 2 + 1]) / 2
	}
	END {
		s = median("sink"); o = median("otelcol")
		printf "sink:      %.2f CPU-s per million spans (median of %d rounds; all rounds together %.2f)\n", s, n["sink"], cpu["sink"] / spans["sink"] * 1e6
		printf "collector: %.2f CPU-s per million spans (median of %d rounds; all rounds together %.2f)\n", o, n["otelcol"], cpu["otelcol"] / spans["otelcol"] * 1e6
		printf "ratio sink/collector: %.2fx\n", s / o
	}' "$work/rounds"
