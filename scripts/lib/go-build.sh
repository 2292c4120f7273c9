# shellcheck shell=bash
# Helpers for building a pinned Go tool from its module source through the Go module proxy (our machines
# reach the proxy, not release download sites). Source it; set INSTALL_TIMEOUT (seconds, default 900).
# Building inside the module's own folder (not `go install pkg@version`) lets its go.mod, replace
# directives included, apply.

INSTALL_TIMEOUT="${INSTALL_TIMEOUT:-900}"
export PATH="$PATH:/usr/local/go/bin:${HOME:-/root}/go/bin"
export GOFLAGS="${GOFLAGS:+$GOFLAGS }-mod=mod"
export CGO_ENABLED=0

gobuild_log() { echo "[$(basename "$0" .sh)] $*" >&2; }

gobuild_require_go() {
  if ! command -v go >/dev/null 2>&1; then
    gobuild_log "go is not installed: these tools are built from source through the Go module proxy"
    return 1
  fi
}

# $1 = module@version → prints the unpacked module folder (downloads it into the module cache).
gobuild_module_dir() {
  local json dir
  json="$(cd / && timeout "$INSTALL_TIMEOUT" go mod download -json "$1")"
  dir="$(printf '%s\n' "$json" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
  if [ -z "$dir" ]; then
    gobuild_log "cannot download $1: $(printf '%s\n' "$json" | sed -n 's/^[[:space:]]*"Error": "\(.*\)",*$/\1/p')"
    return 1
  fi
  printf '%s\n' "$dir"
}

# $1 = module folder, $2 = package (./cmd/x), $3 = output binary, $4 = ldflags
gobuild_in_copy() {
  local work
  work="$(mktemp -d)"
  cp -r "$1/." "$work/"
  chmod -R u+w "$work"
  if ! (cd "$work" && timeout "$INSTALL_TIMEOUT" go build -trimpath -ldflags "$4" -o "$3" "$2"); then
    rm -rf "$work"
    return 1
  fi
  rm -rf "$work"
}
