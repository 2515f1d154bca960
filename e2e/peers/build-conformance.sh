#!/usr/bin/env bash
# Builds (or reuses) the Gateway API conformance peers from the Go module proxy, pinned and cached
# outside the repository: the suite's test binary (sigs.k8s.io/gateway-api/conformance) and its echo
# backend (echo-basic). Prints the directory holding `conformance.test` and `echo-basic` on its last line.
#   PEERS_CACHE   cache root (default ~/.cache/switchyard-peers)
#
# The suite v1.7.0 requires sigs.k8s.io/gateway-api-conformance-images v0.2.0, whose module zip the proxy
# refuses (403); v0.1.0 is served, has the same echo packages the tests import, and is the echo-basic
# image tag the v1.7.0 manifests name (all but one UDP Deployment), so the wrapper module pins it.
set -euo pipefail

GATEWAY_API_VERSION=v1.7.0
IMAGES_VERSION=v0.1.0
CACHE="${PEERS_CACHE:-$HOME/.cache/switchyard-peers}"
OUT="$CACHE/gateway-conformance-$GATEWAY_API_VERSION"

if [ -x "$OUT/bin/conformance.test" ] && [ -x "$OUT/bin/echo-basic" ]; then echo "$OUT/bin"; exit 0; fi

mkdir -p "$OUT/bin" "$OUT/src"
# The suite's go.mod asks for Go 1.27; the proxy serves that toolchain.
export GOTOOLCHAIN=go1.27.3 GOFLAGS=-buildvcs=false CGO_ENABLED=0
cd "$OUT/src"
cat > go.mod <<MOD
module switchyard.local/peer-gateway-conformance

go 1.27.0

require (
	sigs.k8s.io/gateway-api $GATEWAY_API_VERSION
	sigs.k8s.io/gateway-api/conformance $GATEWAY_API_VERSION
)

replace sigs.k8s.io/gateway-api-conformance-images => sigs.k8s.io/gateway-api-conformance-images $IMAGES_VERSION
MOD
# A tools file keeps echo-basic in the module graph; the test file is the upstream entry point.
printf '//go:build tools\n\npackage tools\n\nimport _ "sigs.k8s.io/gateway-api-conformance-images/echo-basic"\n' > tools.go
printf 'package tools\n\nimport (\n\t"testing"\n\n\t"sigs.k8s.io/gateway-api/conformance"\n)\n\nfunc TestConformance(t *testing.T) { conformance.RunConformance(t) }\n' > conformance_test.go
go mod tidy >&2
go build -trimpath -o "$OUT/bin/echo-basic.tmp" sigs.k8s.io/gateway-api-conformance-images/echo-basic >&2
go test -c -vet=off -trimpath -o "$OUT/bin/conformance.test.tmp" . >&2
mv "$OUT/bin/echo-basic.tmp" "$OUT/bin/echo-basic"
mv "$OUT/bin/conformance.test.tmp" "$OUT/bin/conformance.test"
echo "$OUT/bin"
