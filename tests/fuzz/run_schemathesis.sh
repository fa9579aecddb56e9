#!/usr/bin/env bash
# Fuzzes the release server from its own OpenAPI document with schemathesis.
#
#   bash tests/fuzz/run_schemathesis.sh [BINARY] [POSTGRES_SERVER_URL]
#
# Installs the pinned tools (tests/fuzz/requirements.txt) into a venv under
# target/, serves BINARY on a fresh PostgreSQL database (tests/fuzz/lib.sh),
# validates /api/openapi.json with openapi-spec-validator, registers the fuzz
# user and its records, then runs every phase (examples, coverage, fuzzing,
# stateful) with every check, as schemathesis.toml at the repository root
# configures. Exits non-zero on any failure. Reports go to target/fuzz/.
set -euo pipefail
cd "$(dirname "$0")/../.."
source tests/fuzz/lib.sh

BINARY=${1:-target/release/healthcare_backend-cli}
PG_SERVER=${2:-postgres://postgres@127.0.0.1:5432}
OUT=target/fuzz
mkdir -p "$OUT"

ensure_venv
"$VENV/bin/schemathesis" --version
start_server "$BINARY" "$PG_SERVER" "$OUT/server.log"

echo "== validate /api/openapi.json (openapi-spec-validator)"
curl -sf "$BASE/api/openapi.json" -o "$OUT/openapi.json"
"$VENV/bin/openapi-spec-validator" "$OUT/openapi.json"
python3 -c 'import json,sys; v=json.load(open(sys.argv[1]))["openapi"]; assert v.startswith("3.1."), v; print("OpenAPI", v)' "$OUT/openapi.json"

echo "== the fuzz user and its records"
export FUZZ_EMAIL="fuzz-$$@example.com"
FUZZ_PASSWORD="Fuzz-Runner-$(python3 -c 'import secrets; print(secrets.token_hex(8))')!"
export FUZZ_PASSWORD
python3 tests/fuzz/seed_data.py "$BASE" "$FUZZ_EMAIL" "$FUZZ_PASSWORD"

echo "== schemathesis run (schemathesis.toml)"
set +e
"$VENV/bin/schemathesis" run "$BASE/api/openapi.json" \
  --phases examples,coverage,fuzzing,stateful --checks all \
  --report junit --report-dir "$OUT" --no-color 2>&1 | tee "$OUT/schemathesis.log"
status=${PIPESTATUS[0]}
set -e
no_server_errors "$OUT/server.log" || status=1
echo "schemathesis: $(grep -E '^ *[0-9]+ generated' "$OUT/schemathesis.log" | tail -n1 | xargs) (exit $status)"
exit "$status"
