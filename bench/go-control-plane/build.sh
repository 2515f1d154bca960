#!/usr/bin/env bash
# Builds (or reuses) the go-control-plane ADS server of the fan-out benchmark from the Go module proxy,
# pinned by this directory's go.mod/go.sum and cached outside the repository, keyed by their hash.
# Prints the binary's path on its last line. Not part of `npm install`: only `npm run bench` needs it.
#   PEERS_CACHE   cache root (default ~/.cache/switchyard-peers)
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
CACHE="${PEERS_CACHE:-$HOME/.cache/switchyard-peers}"
KEY="$(cat "$HERE/go.mod" "$HERE/go.sum" "$HERE/main.go" | sha256sum | cut -c1-12)"
OUT="$CACHE/go-control-plane-v0.14.0-$KEY"
if [ -x "$OUT/xds-fanout" ]; then echo "$OUT/xds-fanout"; exit 0; fi
mkdir -p "$OUT"
cd "$HERE"
GOFLAGS=-buildvcs=false CGO_ENABLED=0 go build -trimpath -o "$OUT/xds-fanout.tmp" . >&2
mv "$OUT/xds-fanout.tmp" "$OUT/xds-fanout"
echo "$OUT/xds-fanout"
