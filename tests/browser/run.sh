#!/usr/bin/env bash
# The admin console in Debian's headless Chromium (no browser is downloaded:
# /usr/bin/chromium driven by the pinned playwright-core): see admin.mjs.
# Screenshots go to target/screenshots/.
#
#   bash tests/browser/run.sh [BINARY] [POSTGRES_SERVER_URL]
set -euo pipefail
cd "$(dirname "$0")/../.."

BINARY=${1:-target/release/healthcare_backend-cli}
PG=${2:-postgres://postgres@127.0.0.1:5432}
OUT=target/screenshots
mkdir -p "$OUT"
[ -x /usr/bin/chromium ] || { echo "needs Debian's chromium (apt-get install chromium)"; exit 1; }
(cd tests/browser && npm ci --no-audit --no-fund --silent)

DB="hc_browser_$(date +%s)_$$"
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
BASE="http://127.0.0.1:$PORT"
SERVER_PID=
cleanup() {
  [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null
  psql "$PG/postgres" -qc "DROP DATABASE IF EXISTS \"$DB\" WITH (FORCE)" >/dev/null 2>&1 || true
}
trap cleanup EXIT
psql "$PG/postgres" -qc "CREATE DATABASE \"$DB\""
# Production settings, so the session cookie is `Secure` as deployed.
LOCO_ENV=production PORT="$PORT" DATABASE_URL="$PG/$DB" DEBUG=False \
  SECRET_KEY="$(python3 -c 'import secrets; print(secrets.token_hex(32))')" \
  ALLOWED_HOSTS=127.0.0.1,localhost THROTTLE_ENABLED=false \
  "$BINARY" start >"$OUT/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 100); do
  curl -sf "$BASE/api/health/ready/" >/dev/null && break
  kill -0 "$SERVER_PID" 2>/dev/null || { cat "$OUT/server.log"; exit 1; }
  sleep 0.1
done

password() { echo "Browser-$(python3 -c 'import secrets; print(secrets.token_hex(6))')!"; }
STAFF_EMAIL="staff-$$@example.com"; STAFF_PASSWORD=$(password)
USER_EMAIL="clinician-$$@example.com"; USER_PASSWORD=$(password)
register() {
  curl -sf -o /dev/null -X POST "$BASE/api/auth/register/" -H 'Content-Type: application/json' \
    -d "{\"name\":\"$1\",\"email\":\"$2\",\"password\":\"$3\",\"confirm_password\":\"$3\"}"
}
register "Sam Staff" "$STAFF_EMAIL" "$STAFF_PASSWORD"
register "Cleo Clinician" "$USER_EMAIL" "$USER_PASSWORD"
psql "$PG/$DB" -qc "UPDATE users SET is_staff = true, is_superuser = true WHERE email = '$STAFF_EMAIL'"

node tests/browser/admin.mjs "$BASE" "$STAFF_EMAIL" "$STAFF_PASSWORD" "$USER_EMAIL" "$USER_PASSWORD" "$OUT"
if grep -q '"status":5[0-9][0-9]' "$OUT/server.log"; then
  echo "the server log records a 5xx answer:"; grep '"status":5[0-9][0-9]' "$OUT/server.log" | head -5
  exit 1
fi
ls "$OUT"/*.png
