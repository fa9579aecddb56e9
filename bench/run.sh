#!/usr/bin/env bash
# Load benchmark, end to end: build, fresh database, seed through the API,
# drive every scenario with oha, measure the database and Argon2 ceilings,
# count SQL statements per request, print the markdown table and write it to
# bench/results.md. Traffic goes to 127.0.0.1 only. See bench/README.md.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

DURATION=${BENCH_DURATION:-10}          # seconds per scenario
CONNECTIONS=${BENCH_CONNECTIONS:-"16 64"}
PORT=${BENCH_PORT:-18731}
PG=${BENCH_PG:-postgres://postgres@127.0.0.1:5432}
# TLS between the server and a PostgreSQL on the same host buys nothing and
# costs ~12 % of a request's CPU on both sides (bench/README.md). libpq
# (pgbench, psql) and sqlx (the server) both read PGSSLMODE, so the ceiling
# and the server are measured alike. BENCH_PGSSLMODE=prefer measures with TLS.
export PGSSLMODE=${BENCH_PGSSLMODE:-disable}
POOL=${DB_MAX_CONNECTIONS:-}             # empty: config/production.yaml's default
BIN=${BENCH_BIN:-target/release/healthcare_backend-cli}
OUT=${BENCH_OUT:-bench/results.md}
BASE=http://127.0.0.1:$PORT

step() { echo "== $(date -u +%H:%M:%S) $*" >&2; }

# --- tools ------------------------------------------------------------------
export PATH=$HOME/.cargo/bin:$PATH
need_apt=()
command -v psql >/dev/null || need_apt+=(postgresql-client)
command -v pgbench >/dev/null || need_apt+=(postgresql-contrib)
command -v python3 >/dev/null || need_apt+=(python3)
command -v curl >/dev/null || need_apt+=(curl)
if ((${#need_apt[@]})); then
  step "apt-get install ${need_apt[*]}"
  apt-get update -qq && apt-get install -y -qq "${need_apt[@]}"
fi
if ! command -v oha >/dev/null; then
  step "cargo install oha --locked (once, a few minutes)"
  cargo install oha --locked --quiet
fi

if [[ -z ${BENCH_BIN:-} ]]; then
  step "cargo build --release --locked"
  cargo build --release --locked
fi
# The Argon2 cost probe is a crate of its own (bench/argon2-cost), so that it
# cannot change the features the server is built with.
step "cargo build bench/argon2-cost"
cargo build --release --locked --quiet --manifest-path bench/argon2-cost/Cargo.toml \
  --target-dir target/argon2-cost
ARGON=target/argon2-cost/release/argon2-cost

# --- scratch databases --------------------------------------------------------
WORK=$(mktemp -d /tmp/hc-bench.XXXXXX)
DB=hc_bench_$$
PGB=hc_pgbench_$$
SERVER_PID=
LOADGEN_PIDS=()
psql_admin() { psql "$PG/postgres" -qAtX -v ON_ERROR_STOP=1 "$@"; }
stop_server() {
  if [[ -n $SERVER_PID ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID"
    for _ in $(seq 1 50); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$SERVER_PID" 2>/dev/null || true
  fi
  SERVER_PID=
}
cleanup() {
  for pid in "${LOADGEN_PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  stop_server
  psql_admin -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" 2>/dev/null || true
  psql_admin -c "DROP DATABASE IF EXISTS $PGB WITH (FORCE)" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
psql_admin -c "CREATE DATABASE $DB"
psql_admin -c "CREATE DATABASE $PGB"

SECRET=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
start_server() {
  local envs=(LOCO_ENV=production DEBUG=False SECRET_KEY="$SECRET"
    THROTTLE_ENABLED=false DATABASE_URL="$PG/$DB" PORT="$PORT")
  [[ -n $POOL ]] && envs+=(DB_MAX_CONNECTIONS="$POOL")
  env "${envs[@]}" "$BIN" start >>"$WORK/server.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 150); do
    curl -fsS "$BASE/api/health/ready/" >/dev/null 2>&1 && return 0
    kill -0 "$SERVER_PID" 2>/dev/null || break
    sleep 0.1
  done
  tail -20 "$WORK/server.log" >&2
  echo "the server did not become ready" >&2
  exit 1
}
rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$SERVER_PID/status"; }
hwm_kb() { awk '/^VmHWM/ {print $2}' "/proc/$SERVER_PID/status"; }
# utime + stime in seconds
cpu_s() { awk -v hz="$(getconf CLK_TCK)" '{print ($14 + $15) / hz}' "/proc/$SERVER_PID/stat"; }
# CPU seconds of every PostgreSQL process (other databases' work included).
pg_cpu_s() {
  local hz
  hz=$(getconf CLK_TCK)
  for pid in $(pgrep -x postgres); do cat "/proc/$pid/stat" 2>/dev/null || true; done |
    awk -v hz="$hz" '{s += $14 + $15} END {print s / hz}'
}
reset_hwm() { echo 5 >"/proc/$SERVER_PID/clear_refs"; }

RECORDS=$WORK/records.jsonl
record() { echo "$1" >>"$RECORDS"; }

step "start the server (production, fresh database $DB)"
start_server
sleep 1
IDLE_RSS=$(rss_kb)

step "seed through the API"
python3 bench/seed.py --port "$PORT" >"$WORK/seed.json"
SEEDED_RSS=$(rss_kb)
# Fresh statistics, as autovacuum would have them on a database in service.
psql "$PG/$DB" -qAtX -c "ANALYZE"
read -r TOKEN1 TOKEN2 EMAIL1 PASSWORD SEARCH IDS MAPPED SEED1 SEED2 TERM_N < <(python3 - "$WORK/seed.json" <<'EOF'
import json, sys
s = json.load(open(sys.argv[1]))
one, two = s["one"], s["two"]
desc = lambda u: f"{len(u['patients'])}_patients,_{len(u['doctors'])}_doctors,_{u['mappings']}_mappings"
print(one["access"], two["access"], one["email"], one["password"], s["search_term"],
      "|".join(map(str, one["patients"])), "|".join(map(str, one["mapped_patients"])),
      desc(one), desc(two), s["search_matches"])
EOF
)

record "$(python3 -c 'import json,sys; print(json.dumps(dict(kind="meta", date=sys.argv[1], commit=sys.argv[2], cpus=int(sys.argv[3]), load_start=sys.argv[4], duration=int(sys.argv[5]), oha=sys.argv[6], binary=sys.argv[7], pool=sys.argv[8], idle_rss_kb=int(sys.argv[9]), seeded_rss_kb=int(sys.argv[10]), seed=dict(one=sys.argv[11].replace("_"," "), two=sys.argv[12].replace("_"," ")), search_term=sys.argv[13], search_matches=int(sys.argv[14]), sslmode=sys.argv[15])))' \
  "$(date -u +%FT%TZ)" "$(git rev-parse --short HEAD 2>/dev/null || echo none)$(git diff --quiet 2>/dev/null || echo '+dirty')" \
  "$(nproc)" "$(cut -d' ' -f1-3 /proc/loadavg)" "$DURATION" "$(oha --version | awk '{print $2}')" "$BIN" \
  "${POOL:-default}" "$IDLE_RSS" "$SEEDED_RSS" "$SEED1" "$SEED2" "$SEARCH" "$TERM_N" "$PGSSLMODE")"

# --- scenarios ----------------------------------------------------------------
OHA_COMMON=(--no-tui --output-format json -w)
oha_run() { # out_json conns extra_args...
  local out=$1 conns=$2
  shift 2
  timeout $((DURATION + 60)) oha "${OHA_COMMON[@]}" -z "${DURATION}s" -c "$conns" "$@" >"$out"
}
JSON=(-m POST -T application/json)
PATIENT_BODY='{"first_name":"Load","last_name":"Tester","date_of_birth":"1980-02-29","gender":"F","blood_group":"AB-","email":"load.tester@example.org","city":"Springfield"}'
LOGIN_BODY="{\"email\":\"$EMAIL1\",\"password\":\"$PASSWORD\"}"
RE_BASE=$BASE  # oha: a dot in --rand-regex-url is a literal dot
# Runs scenario $1 at $2 connections (rate-limited to $3 req/s unless 0),
# writing oha's JSON to $4. Writes go to user 2 so that user 1's data (and so
# the search's 20 matches) stay as seeded.
drive() {
  local name=$1 conns=$2 rate=$3 out=$4 args=()
  case $name in
  a) args=(-H "Authorization: Bearer $TOKEN1" --rand-regex-url "$RE_BASE/api/patients/($IDS)/") ;;
  b) args=(-H "Authorization: Bearer $TOKEN1" "$BASE/api/patients/?search=$SEARCH") ;;
  c) args=(-H "Authorization: Bearer $TOKEN1" "$BASE/api/doctors/?specialization=cardiology") ;;
  d) args=(-H "Authorization: Bearer $TOKEN2" "${JSON[@]}" -d "$PATIENT_BODY" "$BASE/api/patients/") ;;
  e) args=(-H "Authorization: Bearer $TOKEN1" --rand-regex-url "$RE_BASE/api/mappings/($MAPPED)/") ;;
  f) args=("${JSON[@]}" -d "$LOGIN_BODY" "$BASE/api/auth/login/") ;;
  esac
  [[ $rate != 0 ]] && args=(-q "$rate" "${args[@]}")
  oha_run "$out" "$conns" "${args[@]}"
}
declare -A LABELS
LABELS=([a]="(a) GET /api/patients/<id>/" [b]="(b) GET /api/patients/?search=" [c]="(c) GET /api/doctors/?specialization=cardiology"
  [d]="(d) POST /api/patients/" [e]="(e) GET /api/mappings/<patient_id>/" [f]="(f) POST /api/auth/login/")
declare -A READ=([a]=1 [b]=1 [c]=1 [e]=1)

# Removes the patients that (d) and (g) created (user 2's "Load Tester"s) and
# refreshes the statistics, so that every scenario meets the seeded data: tens
# of thousands of extra rows would change the search's plan and cost.
restore_data() {
  psql "$PG/$DB" -qAtX -c "DELETE FROM patients WHERE first_name = 'Load' AND last_name = 'Tester'" \
    -c "VACUUM ANALYZE patients"
}
measure_start() { reset_hwm; CPU0=$(cpu_s); PG0=$(pg_cpu_s); }
measure_end() {
  HWM=$(hwm_kb); CPU1=$(cpu_s); PG1=$(pg_cpu_s)
  CPU=$(awk -v a="$CPU0" -v b="$CPU1" 'BEGIN{print b - a}')
  PGCPU=$(awk -v a="$PG0" -v b="$PG1" 'BEGIN{print b - a}')
}

scenario_record() { # label conns json read alone
  record "{\"kind\":\"scenario\",\"label\":\"$1\",\"conns\":$2,\"oha\":\"$3\",\"read\":${4:-false},\"alone\":${5:-false},\"hwm_kb\":$HWM,\"cpu_s\":$CPU,\"pg_cpu_s\":$PGCPU}"
}

for conns in $CONNECTIONS; do
  for name in a b c e f d; do
    step "scenario $name at $conns connections, ${DURATION} s"
    out=$WORK/$name-$conns.json
    measure_start
    drive "$name" "$conns" 0 "$out"
    measure_end
    read=false; [[ -n ${READ[$name]:-} ]] && read=true
    scenario_record "${LABELS[$name]}" "$conns" "$out" "$read" true
    [[ $name == d ]] && restore_data
  done
  # (f) saturating the CPU with logins while (a) runs beside it: the reads'
  # latency under Argon2 load.
  step "scenario f+a at $conns + 16 connections, ${DURATION} s"
  measure_start
  drive f "$conns" 0 "$WORK/fa-f-$conns.json" &
  LOADGEN_PIDS=($!)
  drive a 16 0 "$WORK/fa-a-$conns.json"
  wait "${LOADGEN_PIDS[@]}"
  LOADGEN_PIDS=()
  measure_end
  scenario_record "(f+a) logins, beside them: (f) POST /api/auth/login/" "$conns" "$WORK/fa-f-$conns.json"
  scenario_record "(f+a) logins, beside them: (a) GET /api/patients/<id>/" 16 "$WORK/fa-a-$conns.json" true
done

# --- (g) mixed: 80% reads, 15% writes, 5% logins ------------------------------
# One oha process per request kind, each rate-limited (-q) to its share of a
# total rate: the capacity that the single scenarios predict for this mix at
# the same connection count (1 / sum(share / rps)). Connections are split in
# proportion, at least 2 each.
declare -A SHARE=([a]=0.50 [b]=0.10 [c]=0.10 [e]=0.10 [d]=0.15 [f]=0.05)
for conns in $CONNECTIONS; do
  target=$(python3 - "$WORK" "$conns" <<'EOF'
import json, sys
work, conns = sys.argv[1], sys.argv[2]
share = dict(a=.5, b=.1, c=.1, e=.1, d=.15, f=.05)
cost = sum(w / json.load(open(f"{work}/{n}-{conns}.json"))["summary"]["requestsPerSec"] for n, w in share.items())
print(round(1 / cost))
EOF
)
  step "scenario g (mixed) at $conns connections, offered $target req/s, ${DURATION} s"
  measure_start
  LOADGEN_PIDS=()
  for name in a b c e d f; do
    c=$(awk -v c="$conns" -v s="${SHARE[$name]}" 'BEGIN{n=int(c*s+0.5); if(n<2)n=2; print n}')
    q=$(awk -v t="$target" -v s="${SHARE[$name]}" 'BEGIN{printf "%.1f", t*s}')
    drive "$name" "$c" "$q" "$WORK/g-$name-$conns.json" &
    LOADGEN_PIDS+=($!)
  done
  wait "${LOADGEN_PIDS[@]}"
  LOADGEN_PIDS=()
  measure_end
  for name in a b c e d f; do
    scenario_record "(g) mixed: ${LABELS[$name]} (${SHARE[$name]})" "$conns" "$WORK/g-$name-$conns.json"
  done
  restore_data
  record "$(python3 - "$WORK" "$conns" "$target" "$HWM" "$CPU" <<'EOF'
import json, sys
work, conns, target, hwm, cpu = sys.argv[1:]
runs = [json.load(open(f"{work}/g-{n}-{conns}.json")) for n in "abcedf"]
achieved = sum(r["summary"]["requestsPerSec"] for r in runs)
errors = sum(v for r in runs for k, v in (r.get("statusCodeDistribution") or {}).items() if not 200 <= int(k) < 300)
errors += sum(v for r in runs for v in (r.get("errorDistribution") or {}).values())
print(json.dumps(dict(kind="mixed", conns=int(conns), target_rps=float(target), achieved_rps=achieved,
                      errors=errors, hwm_kb=int(hwm), cpu_s=float(cpu))))
EOF
)"
done

# --- ceilings -----------------------------------------------------------------
stop_server
step "pgbench ceiling: -S at $CONNECTIONS clients, ${DURATION} s each"
pgbench -i -q "$PG/$PGB" >/dev/null 2>&1
for conns in $CONNECTIONS; do
  tps=$(pgbench -S -n -c "$conns" -j 2 -T "$DURATION" "$PG/$PGB" 2>/dev/null | awk '/^tps/ {print $3; exit}')
  record "{\"kind\":\"pgbench\",\"clients\":$conns,\"tps\":$tps}"
done
step "Argon2id cost (200 hashes)"
record "$(echo '{"kind":"argon2",' "$("$ARGON" 200 | sed 's/^{//')")"

# --- SQL statements per request -----------------------------------------------
PGLOG=$(ls /var/log/postgresql/postgresql-*-main.log 2>/dev/null | head -n1 || true)
if [[ -n $PGLOG && -r $PGLOG ]]; then
  step "SQL statements per request (log_statement=all on $DB only)"
  psql_admin -c "ALTER DATABASE $DB SET log_statement = 'all'"
  start_server
  python3 bench/querycount.py --port "$PORT" --db "$DB" --log "$PGLOG" \
    --token "$TOKEN1" --email "$EMAIL1" --password "$PASSWORD" >>"$RECORDS"
  stop_server
else
  step "no readable PostgreSQL log: statements per request not counted"
fi

step "report"
record "{\"kind\":\"end\",\"load\":\"$(cut -d' ' -f1-3 /proc/loadavg)\"}"
python3 bench/report.py "$RECORDS" >"$WORK/report.md"
cp "$WORK/report.md" "$OUT"
cat "$OUT"
