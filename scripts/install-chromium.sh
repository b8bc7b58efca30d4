#!/usr/bin/env bash
# Installs headless Chromium (Debian's package) for the HTML report's browser
# test (internal/report, TestHTMLInChromium). Idempotent: does nothing when
# chromium is already on PATH. CI runs it before `make test`; a developer
# runs it once as root. Not root: says so and exits 0, and the test then
# skips (or fails under CI, which must have it).
#
#   scripts/install-chromium.sh
set -euo pipefail

if command -v chromium >/dev/null 2>&1; then
	exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
	echo "install-chromium: chromium is not installed and this is not root;" \
		"run 'apt-get install chromium' as root for TestHTMLInChromium" >&2
	exit 0
fi

log=$(mktemp)
trap 'rm -f "$log"' EXIT
echo "install-chromium: installing chromium (apt-get)" >&2
if ! { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends chromium; } >"$log" 2>&1; then
	echo "install-chromium: apt-get failed:" >&2
	cat "$log" >&2
	exit 1
fi
if ! command -v chromium >/dev/null 2>&1; then
	echo "install-chromium: apt-get succeeded but chromium is not on PATH" >&2
	cat "$log" >&2
	exit 1
fi
echo "install-chromium: $(chromium --version 2>/dev/null || echo chromium installed)" >&2
