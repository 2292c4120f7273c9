#!/usr/bin/env bash
# Checks Podd's monitoring against a real Prometheus (CI step; run after `npm run build`):
#   1. promtool check rules + promtool test rules (deploy/prometheus/alerts.test.yml: every alert, firing and not);
#   2. starts `node dist/main.js` (temporary DATA_DIR, free port; the chat model and the LocusGraph replica point at
#      a closed port so fallbacks and replication failures are real) and a Prometheus on 127.0.0.1 (free port,
#      temporary data dir, 1 s scrape interval, the alert rules loaded) scraping it;
#   3. a short scripted load (register, failed logins up to a lockout, an alarm due at the next minute, an emergency
#      alert by webhook, chat, vitals, a 404, a 422, a 401) until the reminder has fired;
#   4. every dashboard panel's query through Prometheus's HTTP API: one returning nothing fails the step.
# Stops both at the end. Installs Debian's prometheus package (prometheus + promtool) when missing (as root).
set -euo pipefail
cd "$(dirname "$0")/.."
started=$(date +%s)

if ! command -v promtool >/dev/null || ! command -v prometheus >/dev/null; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends prometheus >/dev/null
fi
prometheus --version 2>&1 | head -1

echo "--- alert rules"
promtool check rules deploy/prometheus/alerts.yml
(cd deploy/prometheus && promtool test rules alerts.test.yml)

WORK=$(mktemp -d "${TMPDIR:-/tmp}/podd-observability.XXXXXX")
PIDS=()
cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
wait_for() { # url pid name
  for _ in $(seq 1 240); do
    curl -sf "$1" >/dev/null 2>&1 && return 0
    kill -0 "$2" 2>/dev/null || { tail -50 "$WORK/$3.log"; echo "$3 exited" >&2; return 1; }
    sleep 0.25
  done
  tail -50 "$WORK/$3.log"; echo "$3 did not start" >&2; return 1
}

echo "--- Podd and Prometheus"
[[ -f dist/main.js ]] || npm run build
APP_PORT=$(free_port)
PROM_PORT=$(free_port)
DEAD_PORT=$(free_port) # nothing listens here
APP="http://127.0.0.1:$APP_PORT"
PROM="http://127.0.0.1:$PROM_PORT"
mkdir -p "$WORK/data" "$WORK/tsdb"
env -i PATH="$PATH" HOME="$HOME" \
  NODE_ENV=test HOST=127.0.0.1 PORT="$APP_PORT" DATA_DIR="$WORK/data" LOG_LEVEL=warn \
  JWT_SECRET="$(python3 -c 'import secrets; print(secrets.token_hex(32))')" BCRYPT_COST=4 \
  RATE_LIMIT_PER_MINUTE=1000000 CHAT_RATE_PER_MINUTE=100000 LOGIN_MAX_FAILURES=3 \
  OPENAI_API_KEY=sk-unreachable OPENAI_BASE_URL="http://127.0.0.1:$DEAD_PORT/v1" \
  LOCUSGRAPH_API_KEY=lg-unreachable LOCUSGRAPH_GRAPH_ID=podd-ci LOCUSGRAPH_API_URL="http://127.0.0.1:$DEAD_PORT" \
  WEBHOOK_ALLOW_PRIVATE_NETWORKS=true \
  node dist/main.js >"$WORK/podd.log" 2>&1 &
PIDS+=($!)
wait_for "$APP/health/live" "$!" podd

cat >"$WORK/prometheus.yml" <<EOF
global:
  scrape_interval: 1s
  evaluation_interval: 1s
rule_files:
  - $PWD/deploy/prometheus/alerts.yml
scrape_configs:
  - job_name: podd
    static_configs:
      - targets: ['127.0.0.1:$APP_PORT']
EOF
prometheus --config.file="$WORK/prometheus.yml" --storage.tsdb.path="$WORK/tsdb" \
  --web.listen-address="127.0.0.1:$PROM_PORT" --log.level=warn >"$WORK/prometheus.log" 2>&1 &
PIDS+=($!)
wait_for "$PROM/-/ready" "$!" prometheus

echo "--- scripted load"
DEAD_URL="http://127.0.0.1:$DEAD_PORT/hook" node scripts/lib/observability-check.mjs load "$APP"
sleep 3 # the last scrapes

echo "--- dashboard queries through Prometheus"
node scripts/lib/observability-check.mjs panels "$PROM" "$APP"
# The picture in docs/: OBSERVABILITY_SVG=docs/img/podd-overview.svg bash scripts/check-observability.sh
if [[ -n "${OBSERVABILITY_SVG:-}" ]]; then node scripts/lib/observability-check.mjs render "$PROM" "$OBSERVABILITY_SVG"; fi
echo "observability checks passed in $(($(date +%s) - started))s"
