#!/usr/bin/env bash
# Installs a pinned Docker Compose CLI (standalone `docker-compose`), built from source through the Go
# module proxy, so CI can validate docker-compose.yml with `docker-compose config` (no Docker daemon is
# needed for that; none runs on our machines). Idempotent; ~4 minutes the first time on a machine.
#
# Env: COMPOSE_VERSION (default v5.6.0; v5.7.0+ needs a newer Go), INSTALL_DIR (default /usr/local/bin),
#      INSTALL_TIMEOUT (seconds per step, default 900).
set -euo pipefail

COMPOSE_VERSION="${COMPOSE_VERSION:-v5.6.0}"
INSTALL_DIR="${INSTALL_DIR:-/usr/local/bin}"

# shellcheck source=lib/go-build.sh
. "$(dirname "$0")/lib/go-build.sh"
gobuild_require_go
mkdir -p "$INSTALL_DIR"

target="$INSTALL_DIR/docker-compose-$COMPOSE_VERSION"
if [ -x "$target" ] && [ "$(readlink "$INSTALL_DIR/docker-compose" 2>/dev/null)" = "$(basename "$target")" ]; then
  gobuild_log "docker-compose $COMPOSE_VERSION already in $INSTALL_DIR"
  exit 0
fi
gobuild_log "building docker-compose $COMPOSE_VERSION (a few minutes) ..."
dir="$(gobuild_module_dir "github.com/docker/compose/v5@$COMPOSE_VERSION")"
gobuild_in_copy "$dir" ./cmd "$target.tmp" "-s -w -X github.com/docker/compose/v5/internal.Version=$COMPOSE_VERSION"
mv -f "$target.tmp" "$target"
ln -sfn "$(basename "$target")" "$INSTALL_DIR/docker-compose"
gobuild_log "installed $("$INSTALL_DIR/docker-compose" version 2>/dev/null | head -n1)"
