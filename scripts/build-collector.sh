#!/usr/bin/env bash
# Builds the OpenTelemetry Collector that otelbench uses as a real OTLP
# backend (internal/collector) from collector/manifest.yaml, with the
# OpenTelemetry Collector Builder, into collector/bin/otelcol.
#
# Needs only Go and the Go module proxy. The builder is installed into
# collector/build/tools (not the user's GOBIN); the generated sources and
# the Go build happen in collector/build/src. Both folders are git-ignored.
# Idempotent: does nothing when collector/bin/otelcol is newer than the
# manifest and this script. A cold build takes a few minutes on 2 cores and
# about 1 GB of Go build cache. CI runs it before `make test`.
#
#   scripts/build-collector.sh          (or: make collector)
set -euo pipefail
cd "$(dirname "$0")/.."

builder_module=go.opentelemetry.io/collector/cmd/builder
builder_version=v0.165.0
manifest=collector/manifest.yaml
build=collector/build
tools="$PWD/$build/tools"
src="$build/src" # must match dist.output_path in the manifest
bin=collector/bin/otelcol

say() { echo "build-collector: $*" >&2; }

if [ -x "$bin" ] && [ "$bin" -nt "$manifest" ] && [ "$bin" -nt "$0" ]; then
	say "$bin is up to date"
	exit 0
fi

mkdir -p "$build" "$(dirname "$bin")"

# Two builds at once (make -j, two terminals) would share $src: take turns.
if command -v flock >/dev/null 2>&1; then
	exec 9>"$build/.lock"
	flock 9
	if [ -x "$bin" ] && [ "$bin" -nt "$manifest" ] && [ "$bin" -nt "$0" ]; then
		say "$bin is up to date (built by another run)"
		exit 0
	fi
fi

# The generated module lives inside this repository's work tree: keep a
# developer's go.work and git (VCS stamping) out of its build.
export GOWORK=off
export GOFLAGS="${GOFLAGS:+$GOFLAGS }-buildvcs=false"

start=$SECONDS
log="$build/build.log"
: >"$log"

if [ -x "$tools/builder" ] && "$tools/builder" version 2>/dev/null | grep -qF "${builder_version#v}"; then
	say "builder $builder_version already in $tools"
else
	say "installing $builder_module@$builder_version into $tools"
	if ! GOBIN="$tools" go install "$builder_module@$builder_version" >>"$log" 2>&1; then
		say "go install of the builder failed:"
		cat "$log" >&2
		exit 1
	fi
fi

say "generating and compiling the collector from $manifest in $src (a cold build takes minutes)"
if ! "$tools/builder" --config "$manifest" >>"$log" 2>&1; then
	say "the builder failed (log: $log):"
	tail -n 60 "$log" >&2
	exit 1
fi
if [ ! -x "$src/otelcol" ]; then
	say "the builder succeeded but $src/otelcol is missing (log: $log)"
	exit 1
fi

# Replace the binary atomically: a test that starts it never sees half a file.
cp "$src/otelcol" "$bin.tmp"
mv -f "$bin.tmp" "$bin"
say "built $bin ($("$bin" --version 2>/dev/null || echo "version unknown")) in $((SECONDS - start)) s"
