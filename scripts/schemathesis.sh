#!/usr/bin/env bash
# Fuzzes every /api operation of the built app from its own OpenAPI document (GET /docs-json) with Schemathesis.
#
#   npm run build && bash scripts/schemathesis.sh
#
# What it does: installs the pinned Schemathesis when missing (in a venv under ~/.cache), starts the Sarvam
# stand-in (so the voice routes are exercised past their "not configured" 503) and `node dist/main.js` on free
# ports with a temporary DATA_DIR, registers two users (alice, bob), then runs two passes:
#   1. every /api operation except the three that end the caller's sessions, as alice and bob (peers: each must
#      never see the other's objects), all phases (examples, coverage, fuzzing, stateful with inferred links);
#   2. logout-all, change-password and DELETE /api/auth/me as a third user (they end its sessions).
# Checks: all of them (`--checks all`: server errors, status codes, content types, response schemas, negative
# data rejected, positive data accepted, 405 + Allow for unsupported methods, missing auth, object-level
# authorization, use-after-free, resource availability…). Exits non-zero on any failure.
# No check is excluded; a few operations expect one more status for a rule OpenAPI cannot state (ROUTE_RULES
# below, each with its reason). One generation setting: no NUL bytes in generated strings (--generation-allow-x00
# false), because the API refuses them by design (422: the stores cannot hold them; docs/SECURITY.md) and a
# pattern forbidding U+0000 on every string of the document would only add noise.
#
# Environment: SCHEMATHESIS_MAX_EXAMPLES (default 25: the whole run stays well under 8 minutes on 2 cores),
# SCHEMATHESIS_SEED (default fixed for reproducible CI; "random" for a fresh one), SCHEMATHESIS_REPORT_DIR.
set -euo pipefail
cd "$(dirname "$0")/.."

ST_VERSION=4.32.5
MAX_EXAMPLES=${SCHEMATHESIS_MAX_EXAMPLES:-25}
SEED=${SCHEMATHESIS_SEED:-20261125}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/podd-schemathesis.XXXXXX")
REPORT_DIR=${SCHEMATHESIS_REPORT_DIR:-$WORK/report}
PIDS=()

cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [[ -z "${SCHEMATHESIS_KEEP:-}" ]]; then rm -rf "$WORK"; else echo "kept $WORK"; fi
}
trap cleanup EXIT

# ---- Schemathesis, pinned ------------------------------------------------------------------------------
VENV=${SCHEMATHESIS_VENV:-$HOME/.cache/podd/schemathesis-$ST_VERSION}
ST="$VENV/bin/schemathesis"
if ! "$ST" --version 2>/dev/null | grep -q "$ST_VERSION"; then
  echo "installing schemathesis==$ST_VERSION into $VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$ST_VERSION"
fi
"$ST" --version

# ---- the app and its stand-ins -------------------------------------------------------------------------
[[ -f dist/main.js ]] || npm run build

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
json_field() { python3 -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }

SARVAM_KEY=sk_test_schemathesis
node_modules/.bin/rolldown test/support/run-sarvam-standin.ts --platform node --format esm \
  --file "$WORK/sarvam-standin.mjs" >/dev/null
SARVAM_API_KEY=$SARVAM_KEY node "$WORK/sarvam-standin.mjs" >"$WORK/sarvam.out" 2>&1 &
PIDS+=($!)
for _ in $(seq 1 100); do [[ -s "$WORK/sarvam.out" ]] && break; sleep 0.1; done
SARVAM_URL=$(head -1 "$WORK/sarvam.out" | json_field url)

PORT=$(free_port)
BASE="http://127.0.0.1:$PORT"
mkdir -p "$WORK/data"
env -i PATH="$PATH" HOME="$HOME" \
  NODE_ENV=test HOST=127.0.0.1 PORT="$PORT" DATA_DIR="$WORK/data" \
  JWT_SECRET="$(python3 -c 'import secrets; print(secrets.token_hex(32))')" BCRYPT_COST=4 \
  RATE_LIMIT_PER_MINUTE=1000000 LOGIN_MAX_FAILURES=1000 CHAT_RATE_PER_MINUTE=100000 LOG_LEVEL=warn \
  SARVAM_API_KEY=$SARVAM_KEY SARVAM_BASE_URL="$SARVAM_URL" \
  node dist/main.js >"$WORK/app.log" 2>&1 &
APP_PID=$!
PIDS+=($APP_PID)
for _ in $(seq 1 120); do
  curl -sf "$BASE/health" >/dev/null 2>&1 && break
  kill -0 "$APP_PID" 2>/dev/null || { cat "$WORK/app.log"; echo "the app exited" >&2; exit 1; }
  sleep 0.5
done
curl -sf "$BASE/health" >/dev/null

register() {
  curl -sf -X POST "$BASE/api/auth/register" -H 'content-type: application/json' \
    -d "{\"email\":\"$1@example.com\",\"password\":\"$1-password-long-enough\",\"name\":\"$1\"}" | json_field access_token
}
ALICE=$(register alice)
BOB=$(register bob)
CAROL=$(register carol)

cat >"$WORK/wfc.json" <<EOF
{"auth": [
  {"name": "alice", "fixedHeaders": [{"name": "Authorization", "value": "Bearer $ALICE"}]},
  {"name": "bob", "fixedHeaders": [{"name": "Authorization", "value": "Bearer $BOB"}]}
]}
EOF
cat >"$WORK/schemathesis.toml" <<EOF
[auth.wfc]
path = "$WORK/wfc.json"
peers = ["alice", "bob"]
EOF

# Rules OpenAPI 3.0 cannot state, per operation: the status each answers for schema-valid input that breaks
# them is added to what positive_data_acceptance expects there (never to all operations). Everything else
# is checked as is. Keep this list short: a rule that can be a pattern, a bound or an enum belongs in the DTO.
ROUTE_RULES="$WORK/route-rules.toml"
rule() { # rule '<METHOD /path>' '<statuses>' '<reason>'
  printf '\n# %s\n[[operations]]\ninclude-name = "%s"\nchecks.positive_data_acceptance.expected-statuses = ["2xx", "3xx", "401", "403", "404", "409", "429", "5xx", %s]\n' \
    "$3" "$1" "$2" >>"$ROUTE_RULES"
}
: >"$ROUTE_RULES"
for op in 'POST /api/vitals' 'PUT /api/vitals/{vitals_id}' 'POST /api/health/vitals'; do
  rule "$op" '"422"' 'systolic must be above diastolic (a rule across two fields)'
done
rule 'POST /api/tracking/sleep/log' '"422"' 'sleep_end after sleep_start, at most 24 h later (across two fields)'
for op in 'POST /api/medication/log' 'POST /api/medication/schedule' 'POST /api/medication-schedules'; do
  rule "$op" '"422"' 'medication_id or medication_name, naming one of your medications (across fields and records)'
done
for op in 'POST /api/lab-results' 'PUT /api/lab-results/{result_id}'; do
  rule "$op" '"422"' 'the unit must be one of the test'"'"'s, the value within that unit'"'"'s bounds, taken_at not in the future (across fields)'
done
rule 'GET /api/medication/adherence' '"422"' 'date_from..date_to covers at most 92 days (across two parameters)'
rule 'POST /api/profile' '"400", "422"' 'the original API answers 400 when the profile already exists (state); IANA zones are checked against the tz database'
rule 'DELETE /api/emergency-contacts/{contact_id}' '"400"' 'the original API refuses to delete the last contact with 400 (state)'
for op in 'POST /api/emergency-contacts' 'PUT /api/emergency-contacts/{contact_id}' 'PUT /api/notifications/webhook' \
  'POST /api/meditation/sessions' 'PUT /api/profile'; do
  rule "$op" '"400", "422"' 'e-mail addresses, http(s) URLs and IANA zones are checked semantically (validator.js, WHATWG URL, the tz database), which a pattern cannot state'
done
for op in 'POST /api/care/invitations' 'POST /api/care/requests' 'POST /api/care/invitations/{invitation_id}/accept'; do
  rule "$op" '"422"' 'notifications only for a caregiver, each with the scope it needs (a rule across fields)'
done
for op in 'POST /api/voice/stream' 'POST /api/voice/conversation'; do
  rule "$op" '"400", "415"' 'the upload must be audio (its type is sniffed) with speech in it; generated bytes are neither'
done
# Batches validate each item on its own (the original contract): an invalid item is a 422 inside a 201.
for op in 'POST /api/appointments/batch' 'POST /api/emergency-contacts/batch' 'POST /api/meditation/sessions/batch'; do
  printf '\n# per-item validation: an invalid item is reported in a 201\n[[operations]]\ninclude-name = "%s"\nchecks.negative_data_rejection.expected-statuses = ["201", "400", "401", "403", "404", "409", "413", "415", "422", "429"]\n' \
    "$op" >>"$ROUTE_RULES"
done
cat "$ROUTE_RULES" >>"$WORK/schemathesis.toml"

COMMON=(--generation-allow-x00 false -c all --seed "$([[ $SEED == random ]] && echo $RANDOM$RANDOM || echo "$SEED")" -n "$MAX_EXAMPLES" --no-shrink
  --workers 2 --request-timeout 30 --report ndjson --report-dir "$REPORT_DIR" --warnings off)

status=0
echo "=== pass 1: every /api operation but the session enders, as alice and bob"
"$ST" --config-file "$WORK/schemathesis.toml" run "$BASE/docs-json" "${COMMON[@]}" \
  --include-path-regex '^/api/' \
  --exclude-name 'POST /api/auth/logout-all' --exclude-name 'POST /api/auth/change-password' \
  --exclude-name 'DELETE /api/auth/me' \
  --report-ndjson-path "$REPORT_DIR/pass1.ndjson" | tee "$WORK/pass1.out" || status=1

echo "=== pass 2: the operations that end the caller's sessions, as carol"
"$ST" --config-file "$ROUTE_RULES" run "$BASE/docs-json" "${COMMON[@]}" -H "Authorization: Bearer $CAROL" \
  --include-name 'POST /api/auth/logout-all' --include-name 'POST /api/auth/change-password' \
  --include-name 'DELETE /api/auth/me' \
  --report-ndjson-path "$REPORT_DIR/pass2.ndjson" | tee "$WORK/pass2.out" || status=1

# Figures from both passes: operations tested and cases generated.
python3 - "$WORK/pass1.out" "$WORK/pass2.out" "$status" <<'EOF'
import re, sys
ops = cases = failures = 0
for path in sys.argv[1:3]:
    text = open(path, encoding="utf-8", errors="replace").read()
    m = re.search(r"Tested:\s*(\d+)", text); ops += int(m.group(1)) if m else 0
    m = re.search(r"(\d+) generated", text); cases += int(m.group(1)) if m else 0
    m = re.search(r"(\d+) unique failures", text); failures += int(m.group(1)) if m else 0
print(f"schemathesis: {ops} operations, {cases} cases, {failures} failures, exit {sys.argv[3]}")
EOF
if [[ $status -ne 0 ]]; then
  echo "--- app log (last 50 lines)"
  tail -50 "$WORK/app.log"
fi
exit $status
