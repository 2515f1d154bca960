#!/usr/bin/env bash
# Builds (or reuses) Helm v4 from the Go module proxy (helm.sh/helm/v4/cmd/helm), pinned by version and
# cached outside the repository. Prints the directory holding the `helm` binary on its last line.
#   PEERS_CACHE   cache root (default ~/.cache/switchyard-peers)
#
# The module's go.mod has no replace directives, so `go install module/cmd@version` builds exactly the
# release; the ldflags set the version string the way the release Makefile does for a tagged build.
set -euo pipefail

HELM_VERSION=v4.3.2
CACHE="${PEERS_CACHE:-$HOME/.cache/switchyard-peers}"
OUT="$CACHE/helm-$HELM_VERSION"

if [ -x "$OUT/helm" ]; then echo "$OUT"; exit 0; fi

mkdir -p "$OUT"
# helm v4.3 asks for Go 1.26: the local toolchain builds it when new enough, otherwise the proxy's.
export GOTOOLCHAIN="${GOTOOLCHAIN:-auto}" GOFLAGS=-buildvcs=false CGO_ENABLED=0
tmp=$(mktemp -d "$OUT/build.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
GOBIN="$tmp" go install -trimpath \
  -ldflags "-s -w -X helm.sh/helm/v4/internal/version.version=$HELM_VERSION -X helm.sh/helm/v4/internal/version.gitTreeState=clean" \
  "helm.sh/helm/v4/cmd/helm@$HELM_VERSION" >&2
mv "$tmp/helm" "$OUT/helm"
"$OUT/helm" version >&2
echo "$OUT"
