#!/usr/bin/env bash
# Swagger UI in headless Chromium (Debian's /usr/bin/chromium, driven by the
# pinned playwright-core; no browser is downloaded): see swagger_ui.mjs.
#
#   bash tests/swagger_ui/run.sh [BINARY] [POSTGRES_SERVER_URL]
set -euo pipefail
cd "$(dirname "$0")/../.."
source tests/fuzz/lib.sh

BINARY=${1:-target/release/healthcare_backend-cli}
PG_SERVER=${2:-postgres://postgres@127.0.0.1:5432}
OUT=target/swagger_ui
mkdir -p "$OUT"
[ -x /usr/bin/chromium ] || { echo "needs Debian's chromium (apt-get install chromium)"; exit 1; }
(cd tests/swagger_ui && npm ci --no-audit --no-fund --silent)

start_server "$BINARY" "$PG_SERVER" "$OUT/server.log"
EMAIL="swagger-$$@example.com"
PASSWORD="Swagger-UI-$(python3 -c 'import secrets; print(secrets.token_hex(8))')!"
TOKEN=$(curl -sf -X POST "$BASE/api/auth/register/" -H 'Content-Type: application/json' \
  -d "{\"name\":\"Swagger User\",\"email\":\"$EMAIL\",\"password\":\"$PASSWORD\",\"confirm_password\":\"$PASSWORD\"}" \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["data"]["tokens"]["access"])')
node tests/swagger_ui/swagger_ui.mjs "$BASE" "$TOKEN" "$EMAIL" "$OUT/swagger-ui.png"
no_server_errors "$OUT/server.log"
