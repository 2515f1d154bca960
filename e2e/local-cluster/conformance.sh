#!/usr/bin/env bash
# Runs the official Gateway API conformance suite v1.7.0 against switchyard in the local cluster and
# writes the ConformanceReport and the per-test results:
#   e2e/local-cluster/conformance.sh                 all profiles, writes conformance/reports/v1.7.0/
#   CONFORMANCE_PROFILES=GATEWAY-HTTP e2e/local-cluster/conformance.sh
#   CONFORMANCE_PROFILES=MESH-HTTP,MESH-GRPC e2e/local-cluster/conformance.sh   the mesh profiles only,
#                                                    merged into the report that is there
#   CONFORMANCE_ARGS="--run-test=HTTPRouteSimpleSameNamespace --supported-features=Gateway,HTTPRoute" ...
#   CONFORMANCE_OUT=DIR   where the report, the log and results.json go (default conformance/reports/v1.7.0)
# It builds the peers it needs (cached), brings the cluster up unless one is running (LOCAL_CLUSTER_DIR),
# and takes down what it brought up, also on failure. Gateway extended features are not listed here: the
# suite infers them from the GatewayClass status, which is what switchyard says it supports. The mesh
# profiles run on their own (the suite infers no mesh features from a GatewayClass; suite.ts names them)
# and their profiles are merged into the report (merge-report.ts).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
DIR="${LOCAL_CLUSTER_DIR:-/tmp/switchyard-local-cluster}"
OUT="${CONFORMANCE_OUT:-$ROOT/conformance/reports/v1.7.0}"
PROFILES="${CONFORMANCE_PROFILES:-GATEWAY-HTTP,GATEWAY-GRPC,GATEWAY-TLS,GATEWAY-TCP,MESH-HTTP,MESH-GRPC}"
GATEWAY_PROFILES=$(tr ',' '\n' <<<"$PROFILES" | grep -v '^MESH-' | paste -sd, || true)
MESH_PROFILES=$(tr ',' '\n' <<<"$PROFILES" | grep '^MESH-' | paste -sd, || true)
mkdir -p "$OUT"

ENVOY_BIN=$(e2e/peers/install-envoy.sh | tail -n1); export ENVOY_BIN
KUBE_PEERS_BIN=$(e2e/peers/build-kube.sh | tail -n1); export KUBE_PEERS_BIN
CONFORMANCE_PEERS_BIN=$(e2e/peers/build-conformance.sh | tail -n1); export CONFORMANCE_PEERS_BIN
# The mesh tests' echo app; a cluster started without it refuses their Pods (ImageNotSupported).
if [ -n "$MESH_PROFILES" ]; then MESH_ECHO_PEERS_BIN=$(e2e/peers/build-mesh-echo.sh | tail -n1); export MESH_ECHO_PEERS_BIN; fi

started_here=0
if ! { [ -f "$DIR/pid" ] && kill -0 "$(cat "$DIR/pid")" 2>/dev/null && [ -f "$DIR/cluster.json" ]; }; then
  e2e/local-cluster/up.sh
  started_here=1
fi
cleanup() { [ "$started_here" = 1 ] && e2e/local-cluster/down.sh >/dev/null 2>&1; true; }
trap cleanup EXIT

version="$(node -p 'require("./package.json").version')-$(git rev-parse --short HEAD 2>/dev/null || echo dev)"
suite() { # OUT PROFILES
  # shellcheck disable=SC2086 # CONFORMANCE_ARGS is a list of flags
  node e2e/local-cluster/suite.ts --conformance-test "$CONFORMANCE_PEERS_BIN/conformance.test" --kubeconfig "$DIR/kubeconfig" \
    --out "$1" --profiles "$2" --version "$version" -- ${CONFORMANCE_ARGS:-}
}
status=0
if [ -n "$GATEWAY_PROFILES" ]; then
  echo "running $GATEWAY_PROFILES (log: $OUT/conformance.log)"
  suite "$OUT" "$GATEWAY_PROFILES" || status=$?
fi
if [ -n "$MESH_PROFILES" ]; then
  echo "running $MESH_PROFILES (log: $OUT/mesh/conformance.log)"
  mesh_status=0
  suite "$OUT/mesh" "$MESH_PROFILES" || mesh_status=$?
  [ "$status" = 0 ] && status=$mesh_status
  if [ -f "$OUT/mesh/switchyard-report.yaml" ]; then
    if [ -f "$OUT/switchyard-report.yaml" ]; then node e2e/local-cluster/merge-report.ts "$OUT" "$OUT/mesh"
    else cp "$OUT/mesh/switchyard-report.yaml" "$OUT/mesh/results.json" "$OUT/"; fi
  fi
fi
# The committed report also regenerates the per-test table of docs/conformance-suite.md.
if [ -z "${CONFORMANCE_OUT:-}" ] && [ -f "$OUT/switchyard-report.yaml" ]; then
  node e2e/local-cluster/results-doc.ts "$OUT" docs/conformance-suite.md
fi
exit "$status"
