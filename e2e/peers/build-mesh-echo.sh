#!/usr/bin/env bash
# Builds (or reuses) the mesh conformance tests' echo app from the Go module proxy, pinned and cached
# outside the repository: Istio's echo `server` (the entrypoint of the echo-advanced image the v1.7.0
# mesh manifests run) and its `client` (what the suite execs in the Pod), and the image's /cert.crt and
# /cert.key (Istio's test certificate for the echo TLS port). Prints the directory holding them on its
# last line.
#   PEERS_CACHE   cache root (default ~/.cache/switchyard-peers)
#
# echo-advanced:v0.1.0 is gcr.io/istio-release/app:1.30.3. The proxy refuses the tag query
# istio.io/istio@1.30.3 (Istio's tags have no "v", so they are no module versions); the pin below is the
# proxy's latest pseudo-version of the module (master, 2026-08-27), whose echo app speaks the same
# command line and output format.
set -euo pipefail

ISTIO_VERSION=v0.0.0-20260827124520-eed52ebb66ad
CACHE="${PEERS_CACHE:-$HOME/.cache/switchyard-peers}"
OUT="$CACHE/istio-echo-$ISTIO_VERSION"

if [ -x "$OUT/bin/server" ] && [ -x "$OUT/bin/client" ] && [ -f "$OUT/bin/cert.crt" ]; then echo "$OUT/bin"; exit 0; fi

mkdir -p "$OUT/bin" "$OUT/src"
export GOFLAGS="-buildvcs=false -mod=mod" CGO_ENABLED=0
cd "$OUT/src"
cat > go.mod <<MOD
module switchyard.local/peer-istio-echo

go 1.26.0

require istio.io/istio $ISTIO_VERSION
MOD
printf '//go:build tools\n\npackage tools\n\nimport (\n\t_ "istio.io/istio/pkg/test/echo/cmd/client"\n\t_ "istio.io/istio/pkg/test/echo/cmd/server"\n)\n' > tools.go
go mod tidy >&2
for cmd in server client; do
  go build -trimpath -ldflags=-s -o "$OUT/bin/$cmd.tmp" "istio.io/istio/pkg/test/echo/cmd/$cmd" >&2
  mv "$OUT/bin/$cmd.tmp" "$OUT/bin/$cmd"
done
SRC=$(go list -m -f '{{.Dir}}' istio.io/istio)
cp "$SRC/tests/testdata/certs/dns/cert-chain.pem" "$OUT/bin/cert.crt"
cp "$SRC/tests/testdata/certs/dns/key.pem" "$OUT/bin/cert.key"
echo "$OUT/bin"
