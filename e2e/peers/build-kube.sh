#!/usr/bin/env bash
# Builds (or reuses) the real Kubernetes test peers: etcd, kube-apiserver and kube-controller-manager,
# from the Go module proxy, pinned by version and cached outside the repository.
# Prints the directory holding the binaries on its last line.
#   PEERS_CACHE   cache root (default ~/.cache/switchyard-peers)
set -euo pipefail

K8S_VERSION=v1.37.2
ETCD_VERSION=v3.6.16
CACHE="${PEERS_CACHE:-$HOME/.cache/switchyard-peers}"
OUT="$CACHE/kube-$K8S_VERSION-etcd-$ETCD_VERSION"
BINS=(etcd kube-apiserver kube-controller-manager)

have_all() { for b in "${BINS[@]}"; do [ -x "$OUT/bin/$b" ] || return 1; done; }
if have_all; then echo "$OUT/bin"; exit 0; fi

mkdir -p "$OUT/bin" "$OUT/src/etcd" "$OUT/src/kube"
export GOFLAGS=-buildvcs=false GOTOOLCHAIN=local CGO_ENABLED=0

# etcd: a wrapper module that requires the server module and builds its main package.
if [ ! -x "$OUT/bin/etcd" ]; then
  ( cd "$OUT/src/etcd"
    [ -f go.mod ] || go mod init switchyard.local/peer-etcd >/dev/null 2>&1
    go get "go.etcd.io/etcd/server/v3@$ETCD_VERSION" >&2
    go build -trimpath -o "$OUT/bin/etcd.tmp" go.etcd.io/etcd/server/v3 >&2
    mv "$OUT/bin/etcd.tmp" "$OUT/bin/etcd" )
fi

# Kubernetes: k8s.io/kubernetes pins its staging modules at v0.0.0 with replace directives, so a wrapper
# module replaces each one with its v0.Y.Z tag. The staging list is read from the release's own go.mod.
if [ ! -x "$OUT/bin/kube-apiserver" ] || [ ! -x "$OUT/bin/kube-controller-manager" ]; then
  ( cd "$OUT/src/kube"
    staging_tag="v0.${K8S_VERSION#v1.}"
    modfile=$(go mod download -json "k8s.io/kubernetes@$K8S_VERSION" | sed -n 's/.*"GoMod": "\(.*\)".*/\1/p')
    gover=$(sed -n 's/^go \([0-9.]*\).*/\1/p' "$modfile")
    { echo "module switchyard.local/peer-kube"; echo; echo "go $gover"; echo
      echo "require k8s.io/kubernetes $K8S_VERSION"; echo
      echo "replace ("
      sed -n 's#^\s*\(k8s.io/[a-z0-9-]*\) => \./staging/src/.*#\t\1 => \1 '"$staging_tag"'#p' "$modfile"
      echo ")"
    } > go.mod
    # A tools file names the two commands so that `go mod tidy` keeps what they need.
    printf '//go:build tools\n\npackage tools\n\nimport (\n\t_ "k8s.io/kubernetes/cmd/kube-apiserver"\n\t_ "k8s.io/kubernetes/cmd/kube-controller-manager"\n)\n' > tools.go
    go mod tidy >&2
    minor=$(echo "$K8S_VERSION" | cut -d. -f2)
    ldflags="-s -w -X k8s.io/component-base/version.gitVersion=$K8S_VERSION -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=$minor"
    go build -trimpath -ldflags "$ldflags" -o "$OUT/bin/tmp/" k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager >&2
    mv "$OUT/bin/tmp/kube-apiserver" "$OUT/bin/tmp/kube-controller-manager" "$OUT/bin/"
    rmdir "$OUT/bin/tmp" )
fi

have_all
echo "$OUT/bin"
