#!/usr/bin/env bash
# Installs the services in testdata/services that otelbench's tests run as
# real processes (see testdata/services/README.md and internal/testsvc):
#
#   node     npm ci in testdata/services/node (node_modules, git-ignored)
#   fastapi  a virtual environment in .cache/venv-fastapi (git-ignored),
#            pip install --require-hashes -r testdata/services/fastapi/requirements.txt
#
# Each install is keyed on the hash of its lock file and the version of its
# runtime, written into the install last: when the key matches, nothing is
# done. A changed lock file or runtime reinstalls from scratch. Any failure
# stops the script with a non-zero status and leaves no key behind.
#
# Usage: scripts/install-services.sh [node|fastapi]...   (default: both)
# Environment: PYTHON (default python3), NODE (default node), NPM (default npm).
# On a shared machine wrap it as the other heavy steps:
#   flock /tmp/otelbench-load.lock scripts/install-services.sh
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

PYTHON=${PYTHON:-python3}
NODE=${NODE:-node}
NPM=${NPM:-npm}
stamp_name=.otelbench-installed

say() { printf 'install-services: %s\n' "$*"; }
die() { printf 'install-services: FAILED: %s\n' "$*" >&2; exit 1; }

# An install is stamped with a file of two lines, written last:
#   lock=<hash of the lock files>   internal/testsvc checks this one
#   key=<hash of that and the runtime's version and path>
# The lock hash is the SHA-256 of sha256sum's lines for the files, paths
# relative to the repository root, in the order given.
lockhash() { sha256sum "$@" | sha256sum | cut -d' ' -f1; }
stamp() { printf 'lock=%s\nkey=%s\n' "$1" "$(printf '%s\n' "$@" | sha256sum | cut -d' ' -f1)"; }

# Two installs at once would write into the same folders.
mkdir -p .cache
exec 9>.cache/install-services.lock
flock 9

install_node() {
	local dir=testdata/services/node
	command -v "$NODE" >/dev/null || die "node: $NODE not found on PATH (want Node.js 20 or newer)"
	command -v "$NPM" >/dev/null || die "node: $NPM not found on PATH"
	local version major
	version=$("$NODE" --version) || die "node: $NODE --version failed"
	major=${version#v}; major=${major%%.*}
	[ "$major" -ge 20 ] 2>/dev/null || die "node: $NODE is $version; want Node.js 20 or newer"
	local want stamp=$dir/node_modules/$stamp_name
	want=$(stamp "$(lockhash "$dir/package.json" "$dir/package-lock.json")" "node $version $(command -v "$NODE")")
	if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
		say "node: up to date ($dir/node_modules, node $version)"
		return
	fi
	say "node: npm ci in $dir (node $version, npm $("$NPM" --version))"
	local start=$SECONDS
	rm -rf "$dir/node_modules"
	# No package here needs an install script; skipping them keeps the
	# install the same whatever npm's own policy on scripts.
	(cd "$dir" && "$NPM" ci --ignore-scripts --no-audit --no-fund) || die "node: npm ci in $dir"
	"$NODE" -e 'require(process.argv[1] + "/node_modules/@opentelemetry/sdk-node")' "$root/$dir" ||
		die "node: @opentelemetry/sdk-node does not load after npm ci"
	printf '%s\n' "$want" >"$stamp"
	say "node: installed in $((SECONDS - start)) s"
}

install_fastapi() {
	local req=testdata/services/fastapi/requirements.txt venv=.cache/venv-fastapi
	command -v "$PYTHON" >/dev/null || die "fastapi: $PYTHON not found on PATH (want Python 3.9 or newer)"
	local version
	version=$("$PYTHON" -c 'import sys; assert sys.version_info >= (3, 9), sys.version; print(sys.version.split()[0])') ||
		die "fastapi: $PYTHON is not Python 3.9 or newer"
	local want stamp=$venv/$stamp_name
	want=$(stamp "$(lockhash "$req")" "python $version $(command -v "$PYTHON")")
	if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
		say "fastapi: up to date ($venv, python $version)"
		return
	fi
	say "fastapi: python $version venv in $venv, pip install --require-hashes -r $req"
	local start=$SECONDS
	rm -rf "$venv"
	"$PYTHON" -m venv "$venv" || die "fastapi: $PYTHON -m venv $venv"
	"$venv/bin/python" -m pip install --no-input --disable-pip-version-check --require-hashes -r "$req" ||
		{ rm -rf "$venv"; die "fastapi: pip install -r $req"; }
	"$venv/bin/python" -c 'import fastapi, uvicorn, opentelemetry.sdk.trace, opentelemetry.exporter.otlp.proto.grpc.trace_exporter, opentelemetry.instrumentation.fastapi' ||
		{ rm -rf "$venv"; die "fastapi: the packages do not import after pip install"; }
	printf '%s\n' "$want" >"$stamp"
	say "fastapi: installed in $((SECONDS - start)) s"
}

services=("$@")
[ ${#services[@]} -gt 0 ] || services=(node fastapi)
for s in "${services[@]}"; do
	case $s in
	node) install_node ;;
	fastapi) install_fastapi ;;
	*) die "unknown service \"$s\"; want node or fastapi" ;;
	esac
done
