#!/usr/bin/env bash
# Proves the Dockerfile's recipe without Docker (which cannot run on our machines): performs the same
# steps outside a container in a temporary directory and starts the result the way the image does.
#
#   1. build context = exactly the .dockerignore allow-list ("!" lines)
#   2. build stage   = npm ci (native modules compile, against the Node 24.18.1 headers as in the
#                      Dockerfile's build stage), npm run build, npm prune --omit=dev
#   3. runtime stage = package.json + node_modules + dist only, read-only, run by an unprivileged user
#                      (nobody when run as root), a writable DATA_DIR as the only writable place besides /tmp
#   4. run           = `node dist/cli.js migrate` when the CLI exists (the Helm hook's command), then the
#                      Dockerfile's CMD; the Dockerfile's HEALTHCHECK command must pass; GET /health/live
#                      and GET /health must answer 200; SIGTERM must stop it with exit code 0; nothing under
#                      the app directory may have been written.
#
# Env: RECIPE_NODE=24 (default: Node 24 as in the image, installed by scripts/lib/node24.sh) or "system";
#      RECIPE_SOURCE=worktree (default, like `docker build .`) or HEAD (committed files only);
#      KEEP_WORKDIR=1 keeps the temporary directory; PORT (default: a free port).
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
RECIPE_NODE="${RECIPE_NODE:-24}"
RECIPE_SOURCE="${RECIPE_SOURCE:-worktree}"
started=$(date +%s)
log() { echo "[recipe $(($(date +%s) - started))s] $*" >&2; }
die() { log "FAIL: $*"; exit 1; }

work="$(mktemp -d /tmp/podd-image.XXXXXX)"
chmod 755 "$work"
app_pid=""
cleanup() {
  if [ -n "$app_pid" ] && kill -0 "$app_pid" 2>/dev/null; then kill -KILL "$app_pid" 2>/dev/null || true; fi
  if [ "${KEEP_WORKDIR:-}" = "1" ]; then log "kept $work"; else chmod -R u+w "$work" 2>/dev/null || true; rm -rf "$work"; fi
}
trap cleanup EXIT

if [ "$RECIPE_NODE" = "24" ]; then
  # shellcheck source=lib/node24.sh
  . "$ROOT/scripts/lib/node24.sh"
fi
NODE_BIN="$(command -v node)"
log "node $(node --version) at $NODE_BIN, npm $(npm --version)"
for tool in python3 make g++ curl; do command -v "$tool" >/dev/null || die "$tool is missing (the build stage installs python3 make g++)"; done

# --- 1. build context -------------------------------------------------------------------------------
ctx="$work/context"
mkdir -p "$ctx"
mapfile -t allowed < <(sed -n 's/^!\(.*\)$/\1/p' "$ROOT/.dockerignore" | sed 's#/$##')
[ "${#allowed[@]}" -gt 0 ] || die ".dockerignore has no allow-list entries"
for entry in "${allowed[@]}"; do
  if [ "$RECIPE_SOURCE" = "HEAD" ]; then
    git -C "$ROOT" archive HEAD -- "$entry" | tar -x -C "$ctx"
  else
    [ -e "$ROOT/$entry" ] || die "context entry $entry does not exist"
    mkdir -p "$ctx/$(dirname "$entry")"
    cp -a "$ROOT/$entry" "$ctx/$entry"
  fi
done
log "context: ${allowed[*]} ($(du -sh "$ctx" | cut -f1))"

# --- 2. build stage (Dockerfile: FROM … AS build) -----------------------------------------------------
build="$work/build"
mkdir -p "$build"
cp "$ctx/package.json" "$ctx/package-lock.json" "$build/"
log "npm ci (native modules compile; a few minutes) ..."
(cd "$build" && npm ci --no-audit --no-fund --loglevel=error) >"$work/npm-ci.log" 2>&1 || { tail -50 "$work/npm-ci.log"; die "npm ci"; }
cp "$ctx/tsconfig.json" "$ctx/tsconfig.build.json" "$build/"
cp -a "$ctx/src" "$build/src"
log "npm run build"
(cd "$build" && npm run build) >"$work/build.log" 2>&1 || { tail -50 "$work/build.log"; die "npm run build"; }
(cd "$build" && npm prune --omit=dev --no-audit --no-fund --loglevel=error) >"$work/prune.log" 2>&1 || { tail -50 "$work/prune.log"; die "npm prune"; }
# (typescript may stay: npm keeps it as an optional peer of @nestjs/swagger)
for dev in vitest @nestjs/cli oxlint prettier; do
  [ ! -e "$build/node_modules/$dev" ] || die "dev dependency $dev survived npm prune --omit=dev"
done
if [ "$RECIPE_NODE" = "24" ]; then
  node24_check_addon "$build/node_modules/better-sqlite3/build/Release/better_sqlite3.node" \
    || die "better-sqlite3 was built against headers that make it abort on Node 24"
fi
(cd "$build" && node -e "const db = require('better-sqlite3')(':memory:'); db.prepare('select 1').get(); db.close(); require('bcrypt').hashSync('x', 4)") \
  || die "native modules do not load on $(node --version) after prune"
log "built; production node_modules $(du -sh "$build/node_modules" | cut -f1)"

# --- 3. runtime stage (Dockerfile: FROM … AS runtime) -------------------------------------------------
app="$work/app"
data="$work/data"
mkdir -p "$app" "$data"
cp "$build/package.json" "$app/"
cp -a "$build/node_modules" "$app/node_modules"
cp -a "$build/dist" "$app/dist"
chmod -R a-w "$app"
run_as=()
if [ "$(id -u)" = "0" ]; then
  chown -R root:root "$app"
  chown 65534:65534 "$data"
  chmod 0750 "$data"
  run_as=(setpriv --reuid=65534 --regid=65534 --clear-groups --)
fi
touch "$work/marker"
sleep 1

# The image's exact commands, read from the Dockerfile (JSON exec form).
read_cmd() { # $1 = CMD | HEALTHCHECK → prints the JSON array
  node -e '
    const lines = require("fs").readFileSync(process.argv[1], "utf8").replace(/\\\n/g, " ").split("\n");
    const kw = process.argv[2];
    const line = lines.filter((l) => l.trim().startsWith(kw + " ")).pop();
    if (!line) process.exit(1);
    const json = line.slice(line.indexOf("CMD", line.indexOf(kw) + (kw === "CMD" ? 0 : kw.length)) + 3).trim();
    console.log(JSON.stringify(JSON.parse(json)));
  ' "$ROOT/Dockerfile" "$1"
}
mapfile -t CMD < <(read_cmd CMD | node -e 'for (const a of JSON.parse(require("fs").readFileSync(0,"utf8"))) console.log(a)')
mapfile -t HEALTHCHECK < <(read_cmd HEALTHCHECK | node -e 'for (const a of JSON.parse(require("fs").readFileSync(0,"utf8"))) console.log(a)')
[ "${CMD[*]}" = "node dist/main.js" ] || die "Dockerfile CMD is '${CMD[*]}', expected 'node dist/main.js' (npm start may build at run time)"
[ "${HEALTHCHECK[0]}" = "node" ] || die "HEALTHCHECK must use node (no curl in the slim image)"

port="${PORT:-$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')}"
# The image's ENV plus the secret an operator must supply; nothing inherited from this shell.
run_env=(env -i "PATH=$(dirname "$NODE_BIN"):/usr/bin:/bin" "HOME=/nonexistent" "NODE_ENV=production"
  "HOST=127.0.0.1" "PORT=$port" "DATA_DIR=$data" "JWT_SECRET=$(openssl rand -hex 32)" "LOG_LEVEL=info"
  "SHUTDOWN_GRACE_MS=10000")

if [ -f "$app/dist/cli.js" ]; then
  log "node dist/cli.js migrate (the Helm migration hook's command)"
  (cd "$app" && "${run_as[@]}" "${run_env[@]}" node dist/cli.js migrate) >"$work/migrate.log" 2>&1 \
    || { tail -30 "$work/migrate.log"; die "node dist/cli.js migrate failed in the runtime layout"; }
fi

# --- 4. run -------------------------------------------------------------------------------------------
user_label="$(id -un)"
[ "${#run_as[@]}" -eq 0 ] || user_label="nobody"
log "starting '${CMD[*]}' on 127.0.0.1:$port as $user_label (app dir read-only)"
(cd "$app" && exec "${run_as[@]}" "${run_env[@]}" "${CMD[@]}") >"$work/app.log" 2>&1 &
app_pid=$!

ok=""
for _ in $(seq 1 120); do
  kill -0 "$app_pid" 2>/dev/null || { tail -40 "$work/app.log"; die "the app exited during start-up"; }
  if (cd "$app" && "${run_env[@]}" "${HEALTHCHECK[@]}") >/dev/null 2>&1; then ok=1; break; fi
  sleep 0.5
done
[ -n "$ok" ] || { tail -40 "$work/app.log"; die "HEALTHCHECK did not pass within 60 s"; }
log "HEALTHCHECK passes"

live=$(curl -s -o "$work/live.json" -w '%{http_code}' "http://127.0.0.1:$port/health/live")
[ "$live" = "200" ] || die "GET /health/live → $live"
ready=$(curl -s -o "$work/ready.json" -w '%{http_code}' "http://127.0.0.1:$port/health")
[ "$ready" = "200" ] || { cat "$work/ready.json"; die "GET /health → $ready"; }
log "GET /health/live → 200 $(cat "$work/live.json"); GET /health → 200 $(head -c 300 "$work/ready.json")"

kill -TERM "$app_pid"
code=""
for _ in $(seq 1 150); do
  if ! kill -0 "$app_pid" 2>/dev/null; then wait "$app_pid" && code=0 || code=$?; break; fi
  sleep 0.1
done
[ -n "$code" ] || die "SIGTERM did not stop the app within 15 s"
[ "$code" = "0" ] || { tail -20 "$work/app.log"; die "exit code $code after SIGTERM (expected 0)"; }
app_pid=""
log "SIGTERM → exit 0"

written=$(find "$app" -newer "$work/marker" -print | head -5)
[ -z "$written" ] || die "the app wrote under its app directory: $written"
ls "$data" | grep -q 'podd_auth.db' || die "no podd_auth.db in DATA_DIR ($(ls "$data"))"
log "nothing written outside DATA_DIR ($(ls "$data" | tr '\n' ' '))"
log "image recipe OK on $(node --version)"
