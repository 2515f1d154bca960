#!/usr/bin/env bash
# Brings up a kind cluster with switchyard installed by its Helm chart (deploy/helm/switchyard, as the local
# cluster installs it); switchyard provisions the Envoy of each Gateway.
# Needs docker, kind, kubectl; helm on PATH, else the pinned one (e2e/peers/build-helm.sh builds it; needs go).
set -euo pipefail
cd "$(dirname "$0")/.."
CLUSTER=${CLUSTER:-switchyard-e2e}
IMAGE=${IMAGE:-switchyard:e2e}

for tool in docker kind kubectl; do
  command -v "$tool" >/dev/null || { echo "e2e needs $tool on PATH" >&2; exit 2; }
done
HELM=${HELM_BIN:-$(command -v helm || echo "$(e2e/peers/build-helm.sh | tail -n1)/helm")}

kind get clusters | grep -qx "$CLUSTER" || kind create cluster --name "$CLUSTER" --wait 120s
kubectl config use-context "kind-$CLUSTER"

# BackendLBPolicy (v1.1.0; removed upstream in v1.3): not in the chart's Gateway API v1.7.0 CRDs.
kubectl apply --server-side -f src/api/crds/v1.1.0/gateway.networking.k8s.io_backendlbpolicies.yaml

docker build -t "$IMAGE" .
kind load docker-image "$IMAGE" --name "$CLUSTER"

# The chart: Gateway API v1.7.0 CRDs (experimental, what the conformance suite v1.7.0 checks for), RBAC,
# the controller and GatewayClass switchyard; proxies next to their Gateways (what the upstream
# GatewayInfrastructure test looks for) with ClusterIP Services (kind has no load balancer).
"$HELM" upgrade --install switchyard deploy/helm/switchyard --namespace switchyard-system --create-namespace \
  --set image.repository="${IMAGE%:*}" --set image.tag="${IMAGE##*:}" \
  --set proxy.namespace=gateway --set proxy.serviceType=ClusterIP
kubectl -n switchyard-system rollout status deployment/switchyard-controller --timeout=180s

kubectl create namespace e2e --dry-run=client -o yaml | kubectl apply -f -
kubectl apply -f e2e/manifests/
# The Envoy of Gateway e2e/eg is provisioned by switchyard next to the Gateway.
kubectl -n e2e wait --for=condition=Programmed gateway/eg --timeout=180s
proxy=$(kubectl -n e2e get deployment -l gateway.networking.k8s.io/gateway-name=eg -o name)
kubectl -n e2e rollout status "$proxy" --timeout=180s
echo "ready: kubectl -n e2e port-forward $proxy 8080:8080"
