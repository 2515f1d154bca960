#!/usr/bin/env bash
# Stops the local cluster that up.sh started: everything it ran, its Pods' processes and its network.
set -uo pipefail
cd "$(dirname "$0")/../.."
DIR="${LOCAL_CLUSTER_DIR:-/tmp/switchyard-local-cluster}"
if [ -f "$DIR/pid" ]; then
  pid=$(cat "$DIR/pid")
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid"
    for _ in $(seq 60); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
    kill -0 "$pid" 2>/dev/null && { echo "supervisor $pid did not stop in 60 s; killing it" >&2; kill -KILL -- "-$pid"; }
  fi
  rm -f "$DIR/pid"
fi
# Whatever a killed supervisor left: Pod processes in the cluster's namespaces, the namespaces, the bridge.
node e2e/local-cluster/main.ts cleanup
tail -n 1 "$DIR/cluster.log" 2>/dev/null || true
