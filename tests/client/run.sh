#!/usr/bin/env bash
# Generates a Python client from the live server's /api/openapi.json with the
# pinned openapi-python-client (into target/client, not committed) and walks
# the seed's Postman steps with it (examples/generated_client_walk.py).
#
#   bash tests/client/run.sh [BINARY] [POSTGRES_SERVER_URL]
set -euo pipefail
cd "$(dirname "$0")/../.."
source tests/fuzz/lib.sh

BINARY=${1:-target/release/healthcare_backend-cli}
PG_SERVER=${2:-postgres://postgres@127.0.0.1:5432}
OUT=target/client
rm -rf "$OUT" && mkdir -p "$OUT"

ensure_venv
start_server "$BINARY" "$PG_SERVER" "$OUT/server.log"
curl -sf "$BASE/api/openapi.json" -o "$OUT/openapi.json"
"$VENV/bin/openapi-python-client" generate --path "$OUT/openapi.json" \
  --output-path "$OUT/healthcare_client" --meta none \
  --config tests/client/openapi-python-client.yaml
PYTHONPATH="$OUT" "$VENV/bin/python" examples/generated_client_walk.py --base-url "$BASE"
no_server_errors "$OUT/server.log"
