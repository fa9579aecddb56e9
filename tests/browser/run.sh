#!/usr/bin/env bash
# The admin console in Debian's headless Chromium (no browser is downloaded:
# /usr/bin/chromium driven by the pinned playwright-core): see admin.mjs.
# Screenshots go to target/screenshots/.
#
#   bash tests/browser/run.sh [BINARY] [POSTGRES_SERVER_URL]
set -euo pipefail
cd "$(dirname "$0")/../.."
source tests/fuzz/lib.sh

BINARY=${1:-target/release/healthcare_backend-cli}
PG=${2:-postgres://postgres@127.0.0.1:5432}
OUT=target/screenshots
mkdir -p "$OUT"
[ -x /usr/bin/chromium ] || { echo "needs Debian's chromium (apt-get install chromium)"; exit 1; }
(cd tests/browser && npm ci --no-audit --no-fund --silent)

# A release server in production (so the session cookie is `Secure`, as
# deployed) on a fresh database: start_server/stop_server in tests/fuzz/lib.sh.
start_server "$BINARY" "$PG" "$OUT/server.log"

password() { echo "Browser-$(python3 -c 'import secrets; print(secrets.token_hex(6))')!"; }
STAFF_EMAIL="staff-$$@example.com"; STAFF_PASSWORD=$(password)
USER_EMAIL="clinician-$$@example.com"; USER_PASSWORD=$(password)
register() {
  curl -sf -o /dev/null -X POST "$BASE/api/auth/register/" -H 'Content-Type: application/json' \
    -d "{\"name\":\"$1\",\"email\":\"$2\",\"password\":\"$3\",\"confirm_password\":\"$3\"}"
}
register "Cleo Clinician" "$USER_EMAIL" "$USER_PASSWORD"
# The operator is made the way a deployment makes its first one.
SUPERUSER_PASSWORD="$STAFF_PASSWORD" LOCO_ENV=production DEBUG=False DATABASE_URL="$SERVER_PG/$SERVER_DB" \
  SECRET_KEY=browser-test-task-only-0123456789abcdef ALLOWED_HOSTS=127.0.0.1 \
  "$BINARY" task create_superuser "email:$STAFF_EMAIL" "name:Sam Staff" </dev/null

node tests/browser/admin.mjs "$BASE" "$STAFF_EMAIL" "$STAFF_PASSWORD" "$USER_EMAIL" "$USER_PASSWORD" "$OUT"
no_server_errors "$OUT/server.log"
ls "$OUT"/*.png
