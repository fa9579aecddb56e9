# Shared by tests/fuzz, tests/client and tests/swagger_ui: the pinned Python
# tools and a release server on a fresh PostgreSQL database. Source it from
# the repository root.

# ensure_venv: installs tests/fuzz/requirements.txt into $VENV once.
VENV=${FUZZ_VENV:-target/fuzz-venv}
ensure_venv() {
  if [ ! -x "$VENV/bin/schemathesis" ] || ! cmp -s tests/fuzz/requirements.txt "$VENV/requirements.txt"; then
    rm -rf "$VENV"
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet --disable-pip-version-check -r tests/fuzz/requirements.txt
    cp tests/fuzz/requirements.txt "$VENV/requirements.txt"
  fi
}

# start_server BINARY PG_SERVER LOG: serves BINARY in production mode on a
# free port against a new database; sets BASE. Throttling is off (the tools
# send thousands of requests from one address) and access tokens live long
# enough for any run. stop_server (registered on EXIT) ends it and drops the
# database.
SERVER_PID=""
SERVER_DB=""
start_server() {
  local binary=$1 pg=$2 log=$3 port
  SERVER_PG=$pg
  SERVER_DB="hc_tool_$(date +%s)_$$_$RANDOM"
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  BASE="http://127.0.0.1:$port"
  trap stop_server EXIT
  psql "$pg/postgres" -qc "CREATE DATABASE \"$SERVER_DB\""
  LOCO_ENV=production PORT="$port" DATABASE_URL="$pg/$SERVER_DB" \
    SECRET_KEY="$(python3 -c 'import secrets; print(secrets.token_hex(32))')" DEBUG=False \
    ALLOWED_HOSTS=127.0.0.1,localhost THROTTLE_ENABLED=false JWT_ACCESS_TOKEN_LIFETIME_MINUTES=600 \
    "$binary" start >"$log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 100); do
    curl -sf "$BASE/api/health/ready/" >/dev/null && return 0
    kill -0 "$SERVER_PID" 2>/dev/null || break
    sleep 0.1
  done
  echo "the server did not become ready:"; cat "$log"; return 1
}
stop_server() {
  if [ -n "$SERVER_PID" ]; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=""
  fi
  if [ -n "$SERVER_DB" ]; then
    psql "$SERVER_PG/postgres" -qc "DROP DATABASE IF EXISTS \"$SERVER_DB\" WITH (FORCE)" >/dev/null 2>&1 || true
    SERVER_DB=""
  fi
}

# no_server_errors LOG: fails when the request log records a 5xx answer.
no_server_errors() {
  if grep -q '"status":5[0-9][0-9]' "$1"; then
    echo "the server log records a 5xx answer:"; grep '"status":5[0-9][0-9]' "$1" | head -5
    return 1
  fi
}
