#!/usr/bin/env bash
# Brings the local cluster up in the background and returns once it is ready (or failed).
#   e2e/local-cluster/up.sh            then: export KUBECONFIG=/tmp/switchyard-local-cluster/kubeconfig
#   LOCAL_CLUSTER_DIR   state directory (default /tmp/switchyard-local-cluster)
# Needs root, iproute2, kubectl, Node 24 and the peers (e2e/peers/*.sh, helm included). e2e/local-cluster/down.sh stops it.
# CRDs, RBAC and the GatewayClass come from `helm install` of deploy/helm/switchyard with controller.enabled=false;
# switchyard runs on the host as the chart's ServiceAccount (cluster.ts says why).
set -euo pipefail
cd "$(dirname "$0")/../.."
DIR="${LOCAL_CLUSTER_DIR:-/tmp/switchyard-local-cluster}"
mkdir -p "$DIR"
if [ -f "$DIR/pid" ] && kill -0 "$(cat "$DIR/pid")" 2>/dev/null; then
  echo "already running (pid $(cat "$DIR/pid")); e2e/local-cluster/down.sh first" >&2; exit 1
fi
rm -f "$DIR/cluster.json"
setsid node e2e/local-cluster/main.ts run "$DIR" >"$DIR/cluster.log" 2>&1 < /dev/null &
pid=$!
echo "$pid" > "$DIR/pid"
# Wait for the supervisor to say it is ready, or to exit.
while [ ! -f "$DIR/cluster.json" ]; do
  if ! kill -0 "$pid" 2>/dev/null; then cat "$DIR/cluster.log" >&2; rm -f "$DIR/pid"; exit 1; fi
  sleep 1
done
tail -n 1 "$DIR/cluster.log"
echo "export KUBECONFIG=$DIR/kubeconfig"
