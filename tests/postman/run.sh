#!/usr/bin/env bash
# Runs the Postman collection (examples/postman/healthcare-backend.postman_collection.json)
# with newman against the release binary, served in the production environment.
#
#   bash tests/postman/run.sh [binary] <database-url>
#   bash tests/postman/run.sh target/release/healthcare_backend-cli postgres://postgres@127.0.0.1:5432/postman_dev
#
# The collection registers fresh users with random e-mails on every run, so it can be run
# again and again against the same database. Exits non-zero if the server does not start
# or newman reports a failure.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
binary="${1:-target/release/healthcare_backend-cli}"
database_url="${2:-${DATABASE_URL:-}}"
if [[ -z "$database_url" ]]; then
  echo "usage: $0 [binary] <database-url>" >&2
  exit 2
fi
case "$binary" in /*) ;; *) binary="$root/$binary" ;; esac
if [[ ! -x "$binary" ]]; then
  echo "no executable at $binary (build it with: cargo build --release)" >&2
  exit 2
fi
collection="$root/examples/postman/healthcare-backend.postman_collection.json"
cd "$root"

# (a) newman, exactly as package-lock.json pins it
if [[ ! -d tests/postman/node_modules ]]; then
  npm ci --prefix tests/postman --no-audit --no-fund
fi
newman="$root/tests/postman/node_modules/.bin/newman"

# (b) the release binary on a free local port, production environment
port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()' 2>/dev/null \
  || node -e 'const s = require("net").createServer(); s.listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })')"
base="http://127.0.0.1:$port"
log="$(mktemp -t postman-server.XXXXXX.log)"
server_pid=""
stop_server() {
  if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  server_pid=""
}
cleanup() { stop_server; rm -f "$log"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

export THROTTLE_ENABLED=false
LOCO_ENV=production DEBUG=False PORT="$port" DATABASE_URL="$database_url" \
  SECRET_KEY="postman-$(od -An -N32 -tx1 /dev/urandom | tr -d ' \n')" \
  "$binary" start >"$log" 2>&1 &
server_pid=$!

echo "waiting for $base ..."
ready=""
for _ in $(seq 1 300); do
  if ! kill -0 "$server_pid" 2>/dev/null; then break; fi
  if curl -s -o /dev/null --max-time 2 "$base/api/health/live/"; then ready=1; break; fi
  sleep 0.2
done
if [[ -z "$ready" ]]; then
  echo "the server did not start; its log:" >&2
  tail -n 50 "$log" >&2
  exit 1
fi

# (c) newman, stopping at the first failure
status=0
"$newman" run "$collection" \
  --env-var "baseUrl=$base" \
  --bail \
  --color off \
  --reporters cli || status=$?

# (d) stop the server; fail if newman failed
stop_server
if [[ $status -ne 0 ]]; then
  echo "newman failed (exit $status); last server log lines:" >&2
  tail -n 30 "$log" >&2
fi
exit "$status"
