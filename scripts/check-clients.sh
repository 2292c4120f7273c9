#!/usr/bin/env bash
# Integrators' check: the committed openapi.json as a client generator and a linter see it.
#
#   npm run build && bash scripts/check-clients.sh
#
#  1. Redocly (`recommended`) and Spectral (`spectral:oas`) lint openapi.json: 0 errors (warnings are printed;
#     the ones that stay are listed with their reason in docs/api-clients.md).
#  2. TypeScript: openapi-typescript with DEFAULT options + openapi-fetch; test/clients/ts/flow.ts must compile
#     under `tsc --strict` and run the main flow against the real app.
#  3. Python: openapi-generator (`-g python`, its CLI jar from Maven Central) generates a client; it is installed
#     in a venv and test/clients/python/flow.py runs the same flow.
#  4. Dart: openapi-generator (`-g dart`) generates a client; no model class may be empty (there is no Dart SDK
#     here to compile it, so an empty class — a type the generator could not express — is what we can catch).
# Tools are pinned and cached: the npm tools in test/clients/node_modules, the jar in ~/.m2, the venv in ~/.cache.
set -euo pipefail
cd "$(dirname "$0")/.."

GEN_VERSION=7.17.0
JAR="$HOME/.m2/repository/org/openapitools/openapi-generator-cli/$GEN_VERSION/openapi-generator-cli-$GEN_VERSION.jar"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/podd-clients.XXXXXX")
APP_PID=
cleanup() {
  [[ -n "$APP_PID" ]] && kill "$APP_PID" 2>/dev/null && wait "$APP_PID" 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT
section() { echo; echo "--- $*"; }

section "tools"
(cd test/clients && npm ci --no-audit --no-fund --loglevel=error)
if [[ ! -f "$JAR" ]]; then
  mvn -q dependency:get -Dartifact="org.openapitools:openapi-generator-cli:$GEN_VERSION" -Dtransitive=false
fi
[[ -f "$JAR" ]] || { echo "openapi-generator-cli $GEN_VERSION jar missing after download" >&2; exit 1; }
BIN=test/clients/node_modules/.bin

section "lint: Redocly recommended"
"$BIN/redocly" lint --config test/clients/redocly.yaml openapi.json

section "lint: Spectral spectral:oas"
"$BIN/spectral" lint --ruleset test/clients/.spectral.yaml --fail-severity error openapi.json

section "the app"
[[ -f dist/main.js ]] || npm run build
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
BASE="http://127.0.0.1:$PORT"
NODE_ENV=test DATA_DIR="$WORK/data" PORT=$PORT HOST=127.0.0.1 BCRYPT_COST=4 RATE_LIMIT_PER_MINUTE=10000 \
  JWT_SECRET=$(openssl rand -hex 32) LOG_LEVEL=warn node dist/main.js >"$WORK/app.log" 2>&1 &
APP_PID=$!
for _ in $(seq 1 150); do curl -fs "$BASE/health/live" >/dev/null 2>&1 && break; sleep 0.2; done
curl -fs "$BASE/health/live" >/dev/null || { cat "$WORK/app.log"; exit 1; }

section "TypeScript: openapi-typescript (default options) + openapi-fetch, tsc --strict"
"$BIN/openapi-typescript" openapi.json -o test/clients/ts/generated/schema.d.ts
"$BIN/tsc" -p test/clients/ts
node test/clients/ts/dist/flow.js "$BASE"

section "Python: openapi-generator -g python"
java -jar "$JAR" generate -g python -i openapi.json -o "$WORK/python" --package-name podd_client >"$WORK/gen-python.log" 2>&1 \
  || { tail -30 "$WORK/gen-python.log"; exit 1; }
VENV=${PODD_CLIENTS_VENV:-$HOME/.cache/podd/clients-venv}
[[ -x "$VENV/bin/python" ]] || python3 -m venv "$VENV"
"$VENV/bin/pip" install --quiet --disable-pip-version-check --force-reinstall --no-deps "$WORK/python"
"$VENV/bin/pip" install --quiet --disable-pip-version-check -r "$WORK/python/requirements.txt"
"$VENV/bin/python" test/clients/python/flow.py "$BASE"

section "Dart: openapi-generator -g dart, no empty model class"
java -jar "$JAR" generate -g dart -i openapi.json -o "$WORK/dart" >"$WORK/gen-dart.log" 2>&1 \
  || { tail -30 "$WORK/gen-dart.log"; exit 1; }
# A model with no fields has an empty named-parameter constructor: `Name({\n  });`
empty=$(grep -lzP '\w+\(\{\s*\}\);' "$WORK"/dart/lib/model/*.dart || true)
models=$(ls "$WORK"/dart/lib/model/*.dart | wc -l)
if [[ -n "$empty" ]]; then
  echo "empty Dart model classes (the generator could not express these types):"; echo "$empty" | xargs -n1 basename
  exit 1
fi
echo "dart: $models model files, none empty"

echo; echo "clients: all checks passed"
