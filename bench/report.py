#!/usr/bin/env python3
"""Turns the benchmark's records (one JSON object a line) into the markdown
report: the scenario table, the database and Argon2 ceilings, idle RSS and
the SQL statements per request."""
import json
import sys


def ms(seconds):
    return "-" if seconds is None else f"{seconds * 1000:.1f}"


def oha_figures(path):
    with open(path) as f:
        data = json.load(f)
    summary = data.get("summary", {})
    pct = data.get("latencyPercentiles", {})
    codes = {int(k): v for k, v in (data.get("statusCodeDistribution") or {}).items()}
    ok = sum(v for k, v in codes.items() if 200 <= k < 300)
    non2xx = sum(v for k, v in codes.items() if not 200 <= k < 300)
    transport = sum((data.get("errorDistribution") or {}).values())
    return {
        "rps_ok": ok / data["_elapsed"] if data.get("_elapsed") else summary.get("requestsPerSec"),
        "rps": summary.get("requestsPerSec") or 0.0,
        "p50": pct.get("p50"),
        "p99": pct.get("p99"),
        "max": summary.get("slowest"),
        "errors": non2xx + transport,
        "codes": codes,
        "error_kinds": data.get("errorDistribution") or {},
        "total": ok + non2xx,
    }


def main():
    records = [json.loads(line) for line in open(sys.argv[1]) if line.strip()]
    meta = next(r for r in records if r["kind"] == "meta")
    pgbench = {r["clients"]: r["tps"] for r in records if r["kind"] == "pgbench"}
    argon = next((r for r in records if r["kind"] == "argon2"), None)
    out = []
    w = out.append
    w(f"# Benchmark results\n")
    w(f"- date: {meta['date']}, commit `{meta['commit']}`, host: {meta['cpus']} cores, "
      f"load average at start: {meta['load_start']}, at end: {{load_end}}")
    w(f"- duration per scenario: {meta['duration']} s; load generator: oha {meta['oha']} "
      f"(on the same machine: it shares the 2 cores with the server and PostgreSQL)")
    w(f"- server: `{meta['binary']}`, DB_MAX_CONNECTIONS={meta['pool']}, "
      f"PGSSLMODE={meta.get('sslmode', 'prefer')} (server and pgbench), "
      f"idle RSS after start: **{meta['idle_rss_kb'] / 1024:.1f} MB**, "
      f"after seeding: {meta['seeded_rss_kb'] / 1024:.1f} MB")
    w(f"- data: user 1 with {meta['seed']['one']} ; user 2 with {meta['seed']['two']}; "
      f"search term `{meta['search_term']}` matches {meta['search_matches']}")
    if argon:
        w(f"- Argon2id (m=19 MiB, t=2, p=1): {argon['ms_per_hash']:.1f} ms a hash on one core, "
          f"so at most {argon['ceiling_rps']:.0f} logins/s on {argon['cores']} cores "
          f"(measured with {argon['cores']} threads: {argon['measured_parallel_rps']:.0f}/s)")
    w("- database ceiling (`pgbench -S -j 2`, scale 1): " + ", ".join(
        f"{c} clients: **{tps:,.0f} tps**" for c, tps in sorted(pgbench.items())))
    w("")
    w("| scenario | conns | req/s | p50 ms | p99 ms | max ms | errors | peak RSS MB | server CPU s | server µs/req | PostgreSQL µs/req | of pgbench -S |")
    w("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in records:
        if r["kind"] != "scenario":
            continue
        f = oha_figures(r["oha"])
        ceiling = ""
        if r.get("read") and pgbench.get(r["conns"]):
            ceiling = f"{f['rps'] / pgbench[r['conns']]:.0%}"
        cpu = "-" if r.get("cpu_s") is None else f"{r['cpu_s']:.1f}"
        rss = "-" if r.get("hwm_kb") is None else f"{r['hwm_kb'] / 1024:.1f}"
        err = str(f["errors"])
        if f["errors"]:
            kinds = {**{str(k): v for k, v in f["codes"].items() if not 200 <= k < 300},
                     **f["error_kinds"]}
            err += " (" + ", ".join(f"{k}: {v}" for k, v in kinds.items()) + ")"
        per_req = pg_per_req = "-"
        # CPU per request only where one oha run had the server to itself.
        if r.get("alone") and f["total"]:
            per_req = f"{r['cpu_s'] / f['total'] * 1e6:.0f}"
            pg_per_req = f"{r.get('pg_cpu_s', 0) / f['total'] * 1e6:.0f}"
        w(f"| {r['label']} | {r['conns']} | {f['rps']:,.0f} | {ms(f['p50'])} | {ms(f['p99'])} "
          f"| {ms(f['max'])} | {err} | {rss} | {cpu} | {per_req} | {pg_per_req} | {ceiling} |")
    mixed = [r for r in records if r["kind"] == "mixed"]
    for m in mixed:
        w("")
        w(f"Mixed workload at {m['conns']} connections in all: offered {m['target_rps']:.0f} req/s "
          f"(the capacity the single scenarios predict for this mix), achieved "
          f"**{m['achieved_rps']:,.0f} req/s**, {m['errors']} errors, peak RSS "
          f"{m['hwm_kb'] / 1024:.1f} MB, server CPU {m['cpu_s']:.1f} s.")
    queries = [r for r in records if r["kind"] == "queries"]
    if queries:
        w("")
        w("SQL statements per request (PostgreSQL `log_statement=all` on the scratch database; "
          "`BEGIN`/`COMMIT` included and also shown apart):")
        w("")
        w("| request | status | statements | of which BEGIN/COMMIT/ROLLBACK |")
        w("|---|---:|---:|---:|")
        for q in queries:
            w(f"| {q['label']} | {q['status']} | {q['statements']} | {q['tx']} |")
    text = "\n".join(out) + "\n"
    end = next((r for r in records if r["kind"] == "end"), {"load": "?"})
    text = text.replace("{load_end}", end["load"])
    sys.stdout.write(text)


if __name__ == "__main__":
    main()
