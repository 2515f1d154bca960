#!/usr/bin/env bash
# Runs the official Gateway API conformance suite (v1.7.0) against the kind cluster.
# Needs go, git and a cluster from kind-up.sh.
set -euo pipefail
cd "$(dirname "$0")"
mkdir -p out
[ -d out/gateway-api ] || git clone --depth 1 --branch v1.7.0 https://github.com/kubernetes-sigs/gateway-api out/gateway-api
cd out/gateway-api
go test ./conformance -run TestConformance -timeout 60m -args \
  --gateway-class=switchyard \
  --conformance-profiles=GATEWAY-HTTP,GATEWAY-GRPC,GATEWAY-TLS \
  --organization=switchyard --project=switchyard --url=https://example.invalid/switchyard --version=dev \
  --report-output="$(pwd)/../conformance-report.yaml" \
  --cleanup-base-resources=false
