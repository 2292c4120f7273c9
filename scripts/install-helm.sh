#!/usr/bin/env bash
# Installs pinned Helm and helm-unittest binaries, built from source through the Go module proxy
# (our machines reach the Go proxy but not the release download sites). Idempotent: a binary of the
# pinned version already in INSTALL_DIR is kept, so CI pays the ~3 minute build once per machine.
#
#   scripts/install-helm.sh              # installs helm + helm-unittest into /usr/local/bin
#   INSTALL_DIR=$HOME/bin scripts/install-helm.sh
#
# Env: HELM_VERSION, HELM_UNITTEST_VERSION, INSTALL_DIR, INSTALL_TIMEOUT (seconds per step, default 900),
#      SKIP_HELM_UNITTEST=1 to build helm only.
set -euo pipefail

HELM_VERSION="${HELM_VERSION:-v3.22.0}"
HELM_UNITTEST_VERSION="${HELM_UNITTEST_VERSION:-v1.1.2}"
INSTALL_DIR="${INSTALL_DIR:-/usr/local/bin}"

# shellcheck source=lib/go-build.sh
. "$(dirname "$0")/lib/go-build.sh"
log() { gobuild_log "$*"; }
gobuild_require_go
mkdir -p "$INSTALL_DIR"

# The Kubernetes version Helm reports for `helm template`/`lint` (Capabilities.KubeVersion) comes from
# link-time flags in Helm's Makefile; a plain `go install` leaves it at v1.20. Derive it from the
# client-go version Helm is built with, as the Makefile does.
k8s_minor_of() { # $1 = path of a go.mod
  sed -n 's/^[[:space:]]*k8s\.io\/client-go v0\.\([0-9]*\)\..*/\1/p' "$1" | head -n1
}

ldflags_for_helm_lib() { # $1 = k8s minor
  local m="$1"
  echo "-X helm.sh/helm/v3/pkg/chartutil.k8sVersionMajor=1 -X helm.sh/helm/v3/pkg/chartutil.k8sVersionMinor=$m" \
    "-X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMajor=1 -X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMinor=$m"
}

install_helm() {
  if [ -x "$INSTALL_DIR/helm" ] && [ "$("$INSTALL_DIR/helm" version --template '{{.Version}}' 2>/dev/null)" = "$HELM_VERSION" ]; then
    log "helm $HELM_VERSION already in $INSTALL_DIR"
    return
  fi
  log "building helm $HELM_VERSION (a few minutes) ..."
  local dir minor
  dir="$(gobuild_module_dir "helm.sh/helm/v3@$HELM_VERSION")"
  minor="$(k8s_minor_of "$dir/go.mod")"
  gobuild_in_copy "$dir" ./cmd/helm "$INSTALL_DIR/helm.tmp" \
    "-s -w -X helm.sh/helm/v3/internal/version.version=$HELM_VERSION -X helm.sh/helm/v3/internal/version.gitTreeState=clean $(ldflags_for_helm_lib "$minor")"
  mv -f "$INSTALL_DIR/helm.tmp" "$INSTALL_DIR/helm"
  log "installed $("$INSTALL_DIR/helm" version --short) (kube v1.$minor capabilities)"
}

install_helm_unittest() {
  local target="$INSTALL_DIR/helm-unittest-$HELM_UNITTEST_VERSION"
  if [ -x "$target" ] && [ "$(readlink "$INSTALL_DIR/helm-unittest" 2>/dev/null)" = "$(basename "$target")" ]; then
    log "helm-unittest $HELM_UNITTEST_VERSION already in $INSTALL_DIR"
    return
  fi
  log "building helm-unittest $HELM_UNITTEST_VERSION ..."
  local dir minor
  # `go install …@version` refuses this module (its go.mod has replace directives): build inside it instead.
  dir="$(gobuild_module_dir "github.com/helm-unittest/helm-unittest@$HELM_UNITTEST_VERSION")"
  minor="$(k8s_minor_of "$dir/go.mod")"
  gobuild_in_copy "$dir" ./cmd/helm-unittest "$target.tmp" "-s -w $(ldflags_for_helm_lib "$minor")"
  mv -f "$target.tmp" "$target"
  ln -sfn "$(basename "$target")" "$INSTALL_DIR/helm-unittest"
  log "installed helm-unittest $HELM_UNITTEST_VERSION as $INSTALL_DIR/helm-unittest"
}

install_helm
if [ "${SKIP_HELM_UNITTEST:-}" != "1" ]; then
  install_helm_unittest
fi
