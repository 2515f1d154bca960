#!/usr/bin/env bash
# Runs the official Gateway API conformance suite v1.7.0 against switchyard in the local cluster and
# writes the ConformanceReport and the per-test results:
#   e2e/local-cluster/conformance.sh                 all Gateway profiles, writes conformance/reports/v1.7.0/
#   CONFORMANCE_PROFILES=GATEWAY-HTTP e2e/local-cluster/conformance.sh
#   CONFORMANCE_ARGS="--run-test=HTTPRouteSimpleSameNamespace --supported-features=Gateway,HTTPRoute" ...
#   CONFORMANCE_OUT=DIR   where the report, the log and results.json go (default conformance/reports/v1.7.0)
# It builds the peers it needs (cached), brings the cluster up unless one is running (LOCAL_CLUSTER_DIR),
# and takes down what it brought up, also on failure. Extended features are not listed here: the suite
# infers them from the GatewayClass status, which is what switchyard says it supports.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
DIR="${LOCAL_CLUSTER_DIR:-/tmp/switchyard-local-cluster}"
OUT="${CONFORMANCE_OUT:-$ROOT/conformance/reports/v1.7.0}"
PROFILES="${CONFORMANCE_PROFILES:-GATEWAY-HTTP,GATEWAY-GRPC,GATEWAY-TLS,GATEWAY-TCP}"
mkdir -p "$OUT"

ENVOY_BIN=$(e2e/peers/install-envoy.sh | tail -n1); export ENVOY_BIN
KUBE_PEERS_BIN=$(e2e/peers/build-kube.sh | tail -n1); export KUBE_PEERS_BIN
CONFORMANCE_PEERS_BIN=$(e2e/peers/build-conformance.sh | tail -n1); export CONFORMANCE_PEERS_BIN

started_here=0
if ! { [ -f "$DIR/pid" ] && kill -0 "$(cat "$DIR/pid")" 2>/dev/null && [ -f "$DIR/cluster.json" ]; }; then
  e2e/local-cluster/up.sh
  started_here=1
fi
cleanup() { [ "$started_here" = 1 ] && e2e/local-cluster/down.sh >/dev/null 2>&1; true; }
trap cleanup EXIT

version="$(node -p 'require("./package.json").version')-$(git rev-parse --short HEAD 2>/dev/null || echo dev)"
echo "running $PROFILES (log: $OUT/conformance.log)"
# shellcheck disable=SC2086 # CONFORMANCE_ARGS is a list of flags
status=0
node e2e/local-cluster/suite.ts --conformance-test "$CONFORMANCE_PEERS_BIN/conformance.test" --kubeconfig "$DIR/kubeconfig" \
  --out "$OUT" --profiles "$PROFILES" --version "$version" -- ${CONFORMANCE_ARGS:-} || status=$?
# The committed report also regenerates the per-test table of docs/conformance-suite.md.
if [ -z "${CONFORMANCE_OUT:-}" ] && [ -f "$OUT/switchyard-report.yaml" ]; then
  node e2e/local-cluster/results-doc.ts "$OUT" docs/conformance-suite.md
fi
exit "$status"
