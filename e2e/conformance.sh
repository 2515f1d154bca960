#!/usr/bin/env bash
# Runs the official Gateway API conformance suite v1.7.0 against the kind cluster of kind-up.sh. The suite
# comes from the Go module proxy (e2e/peers/build-conformance.sh, cached; no git clone) and runs as in
# the local cluster (e2e/local-cluster/suite.ts): same flags, features inferred from the GatewayClass.
# Needs go, node, kind and a cluster from kind-up.sh. Writes the report to e2e/out/.
#   CONFORMANCE_PROFILES   default GATEWAY-HTTP,GATEWAY-GRPC,GATEWAY-TLS,GATEWAY-TCP
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=$(e2e/peers/build-conformance.sh | tail -n1)
mkdir -p e2e/out
kind get kubeconfig --name switchyard-e2e > e2e/out/kubeconfig
version="$(node -p 'require("./package.json").version')-$(git rev-parse --short HEAD 2>/dev/null || echo dev)"
node e2e/local-cluster/suite.ts --conformance-test "$BIN/conformance.test" --kubeconfig e2e/out/kubeconfig \
  --out e2e/out --profiles "${CONFORMANCE_PROFILES:-GATEWAY-HTTP,GATEWAY-GRPC,GATEWAY-TLS,GATEWAY-TCP}" --version "$version"
