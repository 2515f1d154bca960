#!/usr/bin/env bash
# Brings up a kind cluster with switchyard; switchyard provisions the Envoy of each Gateway.
# Needs docker, kind, kubectl.
set -euo pipefail
cd "$(dirname "$0")/.."
CLUSTER=${CLUSTER:-switchyard-e2e}
IMAGE=${IMAGE:-switchyard:e2e}

for tool in docker kind kubectl; do
  command -v "$tool" >/dev/null || { echo "e2e needs $tool on PATH" >&2; exit 2; }
done

kind get clusters | grep -qx "$CLUSTER" || kind create cluster --name "$CLUSTER" --wait 120s
kubectl config use-context "kind-$CLUSTER"

# Gateway API CRDs: v1.7.0 experimental (what the conformance suite v1.7.0 checks for, and what the local
# cluster installs), plus BackendLBPolicy (v1.1.0; removed upstream in v1.3).
kubectl apply --server-side -k deploy/crds/gateway-api-v1.7.0/experimental
kubectl apply --server-side -f src/api/crds/v1.1.0/gateway.networking.k8s.io_backendlbpolicies.yaml

docker build -t "$IMAGE" .
kind load docker-image "$IMAGE" --name "$CLUSTER"

kubectl apply -k e2e/deploy
kubectl -n switchyard-system set image deployment/switchyard-controller switchyard="$IMAGE"
kubectl -n switchyard-system rollout status deployment/switchyard-controller --timeout=180s

kubectl create namespace e2e --dry-run=client -o yaml | kubectl apply -f -
kubectl apply -f e2e/manifests/
# The Envoy of Gateway e2e/eg is provisioned by switchyard next to the Gateway.
kubectl -n e2e wait --for=condition=Programmed gateway/eg --timeout=180s
proxy=$(kubectl -n e2e get deployment -l gateway.networking.k8s.io/gateway-name=eg -o name)
kubectl -n e2e rollout status "$proxy" --timeout=180s
echo "ready: kubectl -n e2e port-forward $proxy 8080:8080"
