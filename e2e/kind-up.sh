#!/usr/bin/env bash
# Brings up a kind cluster with switchyard and one Gateway's Envoy. Needs docker, kind, kubectl.
set -euo pipefail
cd "$(dirname "$0")/.."
CLUSTER=${CLUSTER:-switchyard-e2e}
IMAGE=${IMAGE:-switchyard:e2e}

for tool in docker kind kubectl; do
  command -v "$tool" >/dev/null || { echo "e2e needs $tool on PATH" >&2; exit 2; }
done

kind get clusters | grep -qx "$CLUSTER" || kind create cluster --name "$CLUSTER" --wait 120s
kubectl config use-context "kind-$CLUSTER"

# Gateway API CRDs: v1.6.1 experimental, plus BackendLBPolicy (v1.1.0; removed upstream in v1.3).
kubectl apply --server-side -f src/api/crds/v1.6.1/
kubectl apply --server-side -f src/api/crds/v1.1.0/gateway.networking.k8s.io_backendlbpolicies.yaml

docker build -t "$IMAGE" .
kind load docker-image "$IMAGE" --name "$CLUSTER"

kubectl apply -k deploy/
kubectl -n switchyard-system set image deployment/switchyard switchyard="$IMAGE"
kubectl -n switchyard-system rollout status deployment/switchyard --timeout=180s

# One Envoy for Gateway e2e/eg, bootstrapped from switchyard's own bootstrap command.
kubectl create namespace e2e --dry-run=client -o yaml | kubectl apply -f -
node src/cli/main.ts bootstrap --gateway e2e/eg --xds-host switchyard.switchyard-system.svc.cluster.local \
  | kubectl -n e2e create configmap envoy-eg-bootstrap --from-file=bootstrap.yaml=/dev/stdin --dry-run=client -o yaml \
  | kubectl apply -f -
kubectl apply -f e2e/manifests/
kubectl -n e2e rollout status deployment/envoy-eg --timeout=180s
echo "ready: kubectl -n e2e port-forward deployment/envoy-eg 8080:8080"
