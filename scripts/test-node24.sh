#!/usr/bin/env bash
# Runs the e2e suite on Node 24 (production's runtime) while the work tree stays on the machine's Node:
# a temporary copy of the repository gets a copy of node_modules whose native modules are rebuilt for
# Node 24 (better-sqlite3 compiles from source against the pinned headers of scripts/lib/node24.sh,
# a few minutes, cached per version; bcrypt and msgpackr use N-API prebuilds), then
# `npx vitest run test/e2e` runs there with Node 24 first on PATH.
#
#   scripts/test-node24.sh                 # e2e suite
#   scripts/test-node24.sh test/e2e/auth.e2e.test.ts
#
# Env: NODE24_SOURCE=worktree (default: tracked + untracked, not ignored files) or HEAD (committed only);
#      KEEP_WORKDIR=1 keeps the copy; NODE24_PREFIX / NODE24_SPEC see scripts/lib/node24.sh.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
SOURCE="${NODE24_SOURCE:-worktree}"
started=$(date +%s)
log() { echo "[node24-e2e $(($(date +%s) - started))s] $*" >&2; }

# shellcheck source=lib/node24.sh
. "$ROOT/scripts/lib/node24.sh"
node --version | grep -q '^v24\.' || { log "node on PATH is $(node --version), not 24"; exit 1; }

work="$(mktemp -d /tmp/podd-node24.XXXXXX)"
cleanup() { if [ "${KEEP_WORKDIR:-}" = "1" ]; then log "kept $work"; else rm -rf "$work"; fi; }
trap cleanup EXIT

log "copying the repository ($SOURCE) to $work"
if [ "$SOURCE" = "HEAD" ]; then
  git -C "$ROOT" archive HEAD | tar -x -C "$work"
else
  (cd "$ROOT" && git ls-files -z --cached --others --exclude-standard | xargs -0 -I{} cp --parents -a {} "$work"/ 2>/dev/null) || true
  [ -f "$work/package.json" ] || { log "copy failed"; exit 1; }
fi

if [ -d "$ROOT/node_modules" ]; then
  log "copying node_modules and rebuilding native modules for $(node --version)"
  cp -a "$ROOT/node_modules" "$work/node_modules"
  # better-sqlite3 compiles from source (minutes); its Node 24 build is cached per version and ABI.
  bs_version="$(node -p "require('$work/node_modules/better-sqlite3/package.json').version")"
  cached="$NODE24_PREFIX/cache/better-sqlite3-$bs_version-abi$(node -p process.versions.modules)-headers$NODE24_HEADERS_VERSION.node"
  binary="$work/node_modules/better-sqlite3/build/Release/better_sqlite3.node"
  if [ -f "$cached" ]; then
    log "better-sqlite3 $bs_version: cached Node 24 build"
    cp --remove-destination "$cached" "$binary"
    (cd "$work" && timeout 600 npm rebuild bcrypt msgpackr-extract --no-audit --no-fund --loglevel=error) >&2
  else
    (cd "$work" && timeout 900 npm rebuild better-sqlite3 bcrypt msgpackr-extract --no-audit --no-fund --loglevel=error) >&2
    node24_check_addon "$binary"
    mkdir -p "$(dirname "$cached")"
    cp "$binary" "$cached.tmp" && mv "$cached.tmp" "$cached"
  fi
  node24_check_addon "$binary"
else
  log "no node_modules in the work tree: npm ci with $(node --version)"
  (cd "$work" && timeout 1200 npm ci --no-audit --no-fund --loglevel=error) >&2
fi

# The rebuilt modules must load in Node 24 (a Node 20 build fails here with NODE_MODULE_VERSION).
(cd "$work" && node -e "
  const db = require('better-sqlite3')(':memory:');
  db.prepare('select 1').get();
  db.close();
  require('bcrypt').hashSync('x', 4);
  console.error('[node24-e2e] native modules load on ' + process.version + ' (ABI ' + process.versions.modules + ')');
")

targets=("$@")
[ "${#targets[@]}" -gt 0 ] || targets=(test/e2e)
log "npx vitest run ${targets[*]} on $(node --version)"
cd "$work"
npx vitest run "${targets[@]}"
log "done"
