#!/usr/bin/env python3
"""Fault test: the database goes away under load, then comes back.

    python3 tests/faults/db_outage.py --binary target/release/healthcare_backend-cli \
        --postgres-url postgres://postgres@127.0.0.1:5432

Creates its own database on the PostgreSQL server (dropped at the end), starts a
TCP proxy (threads, in this script) on a free local port in front of that
server, and starts the release binary (LOCO_ENV=production) with DATABASE_URL
pointing at the proxy. Registers a user, then runs a load of reads and writes
(GET /api/patients/, GET /api/patients/<id>/, POST /api/patients/). After a few
seconds it takes the database away -- the proxy's listening socket is closed and
every forwarded connection is reset -- keeps the load running for ~5 s, brings
the proxy back on the same port, keeps the load running until the service has
recovered, then checks that every acknowledged write is still there.

Checks: every request gets an HTTP answer (no hang, no reset); every error
answer is a 503 in the error envelope (never a 500); each answer during the
outage arrives within 2 s; the server process never dies; the service recovers
without a restart; every POST answered 201 can be read back afterwards.

Python standard library only; traffic to 127.0.0.1 only. Prints one line per
check and closes with "N passed, M failed"; exits non-zero on any failure.
"""
import argparse
import json
import os
import random
import select
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import uuid

from faultlib import Checks, free_port, log, now, parse_response, psql

PASSWORD = "SecurePass123!"
WORKERS = 8
WARMUP_S = 3.0
OUTAGE_S = 5.0
LATENCY_LIMIT_S = 2.0
RECOVERY_LIMIT_S = 20.0
SUSTAINED_S = 2.0
SUSTAINED_MIN_REQUESTS = 30
HARD_DEADLINE_S = 115.0

T_START = time.monotonic()


# --------------------------------------------------------------------------- HTTP


def http_call(port, method, path, body=None, token=None, timeout=10.0):
    """One request on a fresh connection (Connection: close).

    Returns a dict: t0, t1, status (int or None), body (parsed JSON or None),
    raw (bytes), error (None or refused|reset|empty|timeout|truncated|bad-response|<exc>).
    """
    rec = {"method": method, "path": path, "t0": now(), "t1": None, "status": None,
           "body": None, "raw": b"", "error": None}
    payload = b""
    headers = [f"{method} {path} HTTP/1.1", f"Host: 127.0.0.1:{port}", "Connection: close",
               "Accept: application/json"]
    if body is not None:
        payload = json.dumps(body).encode()
        headers.append("Content-Type: application/json")
    if body is not None or method in ("POST", "PUT", "PATCH"):
        headers.append(f"Content-Length: {len(payload)}")
    if token:
        headers.append(f"Authorization: Bearer {token}")
    request = ("\r\n".join(headers) + "\r\n\r\n").encode() + payload
    deadline = rec["t0"] + timeout
    sock = None
    data = b""
    reset = False
    try:
        try:
            sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        except ConnectionRefusedError:
            rec["error"] = "refused"
            return rec
        sock.sendall(request)
        while True:
            remaining = deadline - now()
            if remaining <= 0:
                raise socket.timeout()
            sock.settimeout(remaining)
            try:
                chunk = sock.recv(65536)
            except ConnectionResetError:
                reset = True
                break
            if not chunk:
                break
            data += chunk
    except socket.timeout:
        rec["error"] = "timeout"
    except (ConnectionResetError, BrokenPipeError):
        reset = True
    except OSError as exc:
        rec["error"] = f"oserror:{exc.__class__.__name__}:{exc}"
    finally:
        rec["t1"] = now()
        if sock is not None:
            sock.close()
    rec["raw"] = data
    if rec["error"] is not None:
        return rec
    parsed = parse_response(data)
    if parsed is None:
        rec["error"] = "reset" if reset else ("empty" if not data else "truncated")
        return rec
    rec["status"], rec["headers"], raw_body = parsed
    try:
        rec["body"] = json.loads(raw_body) if raw_body else None
    except ValueError:
        rec["body"] = None
    return rec


def envelope_problems(body):
    """Problems with an error envelope, [] when it is one."""
    if not isinstance(body, dict):
        return ["body is not a JSON object"]
    problems = []
    if body.get("success") is not False:
        problems.append("success is not false")
    if not isinstance(body.get("message"), str) or not body["message"]:
        problems.append("no message")
    errors = body.get("errors")
    if not isinstance(errors, dict) or not errors:
        problems.append("no errors{}")
    elif not all(isinstance(v, list) and v and all(isinstance(m, str) for m in v) for v in errors.values()):
        problems.append("errors values are not lists of strings")
    return problems


# --------------------------------------------------------------------------- proxy


class Proxy:
    """A TCP forwarder 127.0.0.1:<port> -> upstream, that can be cut and restarted."""

    def __init__(self, upstream_host, upstream_port):
        self.upstream = (upstream_host, upstream_port)
        self.port = None
        self.listener = None
        self.accepting = threading.Event()
        self.accept_thread = None
        self.lock = threading.Lock()
        self.conns = []  # (kill event, thread)
        self.accepted = 0

    def start(self):
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", self.port or 0))
        sock.listen(128)
        self.port = sock.getsockname()[1]
        self.listener = sock
        self.accepting.set()
        self.accept_thread = threading.Thread(target=self._accept_loop, args=(sock,), daemon=True)
        self.accept_thread.start()

    def _accept_loop(self, listener):
        while self.accepting.is_set():
            try:
                ready, _, _ = select.select([listener], [], [], 0.02)
            except (OSError, ValueError):
                return
            if not ready or not self.accepting.is_set():
                continue
            try:
                client, _ = listener.accept()
            except OSError:
                continue
            try:
                upstream = socket.create_connection(self.upstream, timeout=3)
            except OSError:
                _reset(client)
                continue
            kill = threading.Event()
            thread = threading.Thread(target=self._pump, args=(client, upstream, kill), daemon=True)
            with self.lock:
                self.conns.append((kill, thread))
                self.accepted += 1
            thread.start()

    @staticmethod
    def _pump(client, upstream, kill):
        client.setblocking(True)
        upstream.setblocking(True)
        peers = {client: upstream, upstream: client}
        try:
            while not kill.is_set():
                ready, _, _ = select.select([client, upstream], [], [], 0.02)
                if kill.is_set():
                    break
                for sock in ready:
                    data = sock.recv(65536)
                    if not data:
                        return
                    peers[sock].sendall(data)
        except OSError:
            pass
        finally:
            _reset(client)
            _reset(upstream)

    def cut(self):
        """Stop listening and reset every forwarded connection; returns how many were killed."""
        self.accepting.clear()
        if self.accept_thread is not None:
            self.accept_thread.join(timeout=5)
        if self.listener is not None:
            self.listener.close()
            self.listener = None
        with self.lock:
            conns, self.conns = self.conns, []
        for kill, _ in conns:
            kill.set()
        for _, thread in conns:
            thread.join(timeout=5)
        return len(conns)


def _reset(sock):
    """Close with SO_LINGER 0: the peer gets a RST, as when a network path dies."""
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    except OSError:
        pass
    try:
        sock.close()
    except OSError:
        pass


# --------------------------------------------------------------------------- harness


def pct(values, q):
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def describe(rec):
    what = rec["error"] or rec["status"]
    raw = rec.get("raw", b"")[:300] if rec["error"] or rec["status"] >= 400 else b""
    return f"{rec['method']} {rec['path']} -> {what} in {rec['t1'] - rec['t0']:.3f}s" + (f" {raw!r}" if raw else "")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--binary", default="target/release/healthcare_backend-cli")
    parser.add_argument("--postgres-url", default="postgres://postgres@127.0.0.1:5432",
                        help="PostgreSQL server (a database path, if any, is ignored)")
    args = parser.parse_args()

    checks = Checks()
    url = urllib.parse.urlsplit(args.postgres_url)
    userinfo = url.netloc.rsplit("@", 1)[0] + "@" if "@" in url.netloc else ""
    pg_host, pg_port = url.hostname or "127.0.0.1", url.port or 5432
    admin_url = urllib.parse.urlunsplit((url.scheme, url.netloc, "/postgres", "", ""))
    db_name = f"hc_fault_outage_{os.getpid()}_{uuid.uuid4().hex[:6]}"

    state = {"server": None, "proxy": None, "db_created": False}
    stop = threading.Event()
    log_file = tempfile.NamedTemporaryFile(prefix="db_outage_server_", suffix=".log", delete=False)

    def cleanup():
        stop.set()
        server = state["server"]
        if server is not None and server.poll() is None:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
        if state["proxy"] is not None:
            state["proxy"].cut()
        if state["db_created"]:
            try:
                psql(admin_url, f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)')
            except Exception as exc:  # noqa: BLE001 - cleanup must not mask the result
                print(f"warning: could not drop {db_name}: {exc}", flush=True)

    def watchdog():
        print(f"FAIL the whole test finishes within {HARD_DEADLINE_S:.0f} s: watchdog fired", flush=True)
        cleanup()
        print(f"{checks.passed} passed, {checks.failed + 1} failed", flush=True)
        os._exit(1)

    timer = threading.Timer(HARD_DEADLINE_S, watchdog)
    timer.daemon = True
    timer.start()
    try:
        run(args, checks, state, stop, pg_host, pg_port, userinfo, url.scheme, admin_url, db_name,
            log_file)
    finally:
        cleanup()
        timer.cancel()
    if checks.failed:
        print(f"server log: {log_file.name}; last lines:")
        with open(log_file.name, "rb") as handle:
            for line in handle.read().decode("utf-8", "replace").splitlines()[-25:]:
                print("    " + line[:400])
    else:
        os.unlink(log_file.name)
    print(f"{checks.passed} passed, {checks.failed} failed", flush=True)
    sys.exit(1 if checks.failed else 0)


def run(args, checks, state, stop, pg_host, pg_port, userinfo, scheme, admin_url, db_name, log_file):
    psql(admin_url, f'CREATE DATABASE "{db_name}"')
    state["db_created"] = True

    proxy = Proxy(pg_host, pg_port)
    proxy.start()
    state["proxy"] = proxy
    log(f"proxy 127.0.0.1:{proxy.port} -> {pg_host}:{pg_port}, database {db_name}")

    port = free_port()
    env = dict(os.environ, LOCO_ENV="production", PORT=str(port), DEBUG="False",
               DATABASE_URL=f"{scheme}://{userinfo}127.0.0.1:{proxy.port}/{db_name}",
               SECRET_KEY="fault-" + uuid.uuid4().hex + uuid.uuid4().hex,
               THROTTLE_ENABLED="false", ALLOWED_HOSTS="localhost,127.0.0.1")
    server = subprocess.Popen([args.binary, "start"], env=env, stdout=log_file, stderr=subprocess.STDOUT)
    state["server"] = server

    deadline = now() + 60
    while True:
        rec = http_call(port, "GET", "/api/health/live/", timeout=2)
        if rec["status"] == 200:
            break
        if server.poll() is not None or now() > deadline:
            checks.check(False, "server starts", f"exit code {server.poll()}")
            return
        time.sleep(0.2)
    checks.check(True, "server starts behind the proxy", f"port {port}")

    # Watch the process for the whole run.
    died = {}

    def watch_process():
        while not stop.is_set():
            if server.poll() is not None:
                died["at"] = now()
                died["code"] = server.returncode
                return
            time.sleep(0.05)

    threading.Thread(target=watch_process, daemon=True).start()

    email = f"outage-{uuid.uuid4().hex[:10]}@example.com"
    rec = http_call(port, "POST", "/api/auth/register/",
                    {"name": "Outage Tester", "email": email, "password": PASSWORD,
                     "confirm_password": PASSWORD}, timeout=30)
    if not checks.check(rec["status"] == 201, "register a user", describe(rec)):
        return
    token = rec["body"]["data"]["tokens"]["access"]

    patient = {"first_name": "Ada", "last_name": "Outage", "date_of_birth": "1980-02-03", "gender": "F",
               "blood_group": "A+", "city": "Chicago"}
    acknowledged = []  # ids of patients answered 201
    ack_lock = threading.Lock()
    for i in range(3):
        rec = http_call(port, "POST", "/api/patients/", dict(patient, first_name=f"Seed{i}"), token)
        if not checks.check(rec["status"] == 201, f"create seed patient {i}", describe(rec)):
            return
        acknowledged.append(rec["body"]["data"]["id"])

    records = []
    rec_lock = threading.Lock()

    def worker(seed):
        rnd = random.Random(seed)
        n = 0
        while not stop.is_set():
            n += 1
            choice = rnd.random()
            if choice < 0.35:
                rec = http_call(port, "GET", "/api/patients/?page_size=10", token=token)
            elif choice < 0.65:
                with ack_lock:
                    pid = rnd.choice(acknowledged)
                rec = http_call(port, "GET", f"/api/patients/{pid}/", token=token)
            else:
                rec = http_call(port, "POST", "/api/patients/",
                                dict(patient, first_name=f"W{seed}N{n}"), token=token)
                if rec["status"] == 201:
                    try:
                        new_id = rec["body"]["data"]["id"]
                    except (TypeError, KeyError):
                        new_id = None
                    rec["created_id"] = new_id
                    if new_id is not None:
                        with ack_lock:
                            acknowledged.append(new_id)
            if rec["status"] is not None and rec["status"] < 400:
                rec.pop("raw", None)
            with rec_lock:
                records.append(rec)
            time.sleep(0.005)

    threads = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(WORKERS)]
    for thread in threads:
        thread.start()
    log(f"load: {WORKERS} workers")
    time.sleep(WARMUP_S)

    t_cut = now()
    killed = proxy.cut()
    t_cut_done = now()
    log(f"database cut: listener closed, {killed} forwarded connections reset "
        f"({(t_cut_done - t_cut) * 1000:.0f} ms)")
    time.sleep(OUTAGE_S)
    t_restart = now()
    proxy.start()
    log(f"proxy back on port {proxy.port}")

    # Keep the load running until a sustained run of 2xx, or give up.
    sustained_at = None
    while now() - t_restart < RECOVERY_LIMIT_S and not died:
        time.sleep(0.1)
        with rec_lock:
            after = [r for r in records if r["t0"] >= t_restart]
        fails = [r for r in after if not (r["status"] and 200 <= r["status"] < 300)]
        last_fail_t0 = max((r["t0"] for r in fails), default=t_restart)
        streak = [r for r in after if r["t0"] > last_fail_t0]
        if streak and len(streak) >= SUSTAINED_MIN_REQUESTS and now() - last_fail_t0 >= SUSTAINED_S:
            sustained_at = min(r["t1"] for r in streak)
            break
    stop.set()
    for thread in threads:
        thread.join(timeout=15)
    checks.check(not any(t.is_alive() for t in threads), "every load worker finished")
    t_end = now()
    log("load stopped")

    with rec_lock:
        records = list(records)
    before = [r for r in records if r["t1"] < t_cut]
    window = [r for r in records if r["t1"] >= t_cut and r["t0"] < t_restart]  # in flight at the cut or during the outage
    inside = [r for r in records if r["t0"] >= t_cut_done and r["t1"] <= t_restart]  # wholly within the outage
    after = [r for r in records if r["t0"] >= t_restart]
    span = [r for r in records if r["t1"] >= t_cut]  # from the cut to the end

    def ok2xx(r):
        return r["status"] is not None and 200 <= r["status"] < 300

    bad_before = [r for r in before if not ok2xx(r)]
    checks.check(before and not bad_before, "before the cut every request succeeds",
                 f"{len(before)} requests" if not bad_before else
                 f"{len(bad_before)} of {len(before)} failed, e.g. {describe(bad_before[0])}")

    no_answer = [r for r in records if r["error"] is not None]
    checks.check(not no_answer, "every request gets an HTTP answer (no hang, reset or empty reply)",
                 f"{len(records)} requests" if not no_answer else
                 f"{len(no_answer)} without an answer, e.g. " + "; ".join(describe(r) for r in no_answer[:3]))

    five_hundreds = [r for r in records if r["status"] is not None and r["status"] == 500]
    checks.check(not five_hundreds, "no 500, ever",
                 "" if not five_hundreds else
                 f"{len(five_hundreds)} x 500, e.g. " + "; ".join(describe(r) for r in five_hundreds[:3]))

    errors = [r for r in span if r["status"] is not None and not ok2xx(r)]
    not_503 = [r for r in errors if r["status"] != 503]
    checks.check(not not_503, "every error answer from the cut on is a 503",
                 f"{len(errors)} error answers" if not not_503 else
                 f"{len(not_503)} others, e.g. " + "; ".join(describe(r) for r in not_503[:3]))
    bad_env = [(r, envelope_problems(r["body"])) for r in errors if envelope_problems(r["body"])]
    checks.check(not bad_env, "every 503 is in the error envelope {success:false, message, errors}",
                 "" if not bad_env else
                 f"{len(bad_env)} not, e.g. {bad_env[0][1]}: {describe(bad_env[0][0])}")

    inside_ok = [r for r in inside if ok2xx(r)]
    checks.check(len(inside) >= WORKERS and not inside_ok,
                 "during the outage requests are answered 503 (the outage is real)",
                 f"{len(inside)} requests wholly inside the outage, {len(inside_ok)} of them 2xx")

    outage_latencies = [r["t1"] - r["t0"] for r in window]
    slow = [r for r in window if r["t1"] - r["t0"] > LATENCY_LIMIT_S]
    checks.check(not slow, f"every answer in flight at the cut or during the outage arrives within {LATENCY_LIMIT_S:.0f} s",
                 f"max {max(outage_latencies, default=0):.3f}s over {len(window)}" if not slow else
                 f"{len(slow)} slower, e.g. " + "; ".join(describe(r) for r in slow[:3]))
    slow_after = [r for r in after if r["t1"] - r["t0"] > LATENCY_LIMIT_S]
    checks.check(not slow_after, f"every answer after the proxy is back arrives within {LATENCY_LIMIT_S:.0f} s",
                 f"max {max((r['t1'] - r['t0'] for r in after), default=0):.3f}s over {len(after)}"
                 if not slow_after else f"{len(slow_after)} slower, e.g. {describe(slow_after[0])}")

    checks.check(not died and server.poll() is None, "the server process never dies",
                 "" if not died else f"exited with {died.get('code')} at +{died['at'] - t_cut:.1f}s after the cut")

    first_2xx = min((r["t1"] for r in records if r["t0"] >= t_cut_done and r["t1"] >= t_restart and ok2xx(r)),
                    default=None)
    checks.check(first_2xx is not None, "the service answers 2xx again after the proxy is back (no restart)",
                 f"first 2xx {first_2xx - t_restart:.3f}s after the proxy restart" if first_2xx else
                 f"none within {RECOVERY_LIMIT_S:.0f}s")
    checks.check(sustained_at is not None,
                 f"the service recovers: a sustained run of 2xx ({SUSTAINED_S:.0f}s, >= {SUSTAINED_MIN_REQUESTS} requests)",
                 f"from {sustained_at - t_restart:.3f}s after the proxy restart" if sustained_at else
                 f"not within {RECOVERY_LIMIT_S:.0f}s")

    # Every acknowledged write is still there: page through the list.
    found = set()
    total = None
    page = 1
    list_ok = True
    while page <= 1000:
        rec = http_call(port, "GET", f"/api/patients/?page_size=100&page={page}", token=token)
        if rec["status"] != 200:
            list_ok = checks.check(False, "list every patient after recovery", describe(rec))
            break
        total = rec["body"]["count"]
        data = rec["body"]["data"]
        found.update(item["id"] for item in data)
        if not data or not rec["body"].get("next"):
            break
        page += 1
    with ack_lock:
        acked = set(acknowledged)
    missing = sorted(acked - found)
    still_missing = missing
    if list_ok:
        # A second look, by id, at any that the list did not show.
        still_missing = []
        for pid in missing[:200]:
            rec = http_call(port, "GET", f"/api/patients/{pid}/", token=token)
            if rec["status"] != 200:
                still_missing.append(pid)
        still_missing += missing[200:]
        checks.check(not still_missing, "every POST answered 201 exists afterwards",
                     f"{len(acked)} acknowledged, {len(acked) - len(still_missing)} found "
                     f"(list count {total}: {total - len(acked) if total is not None else '?'} "
                     f"written but not acknowledged)" if not still_missing else
                     f"{len(still_missing)} of {len(acked)} missing, e.g. {still_missing[:10]}")

    # Figures.
    outage_503 = [r["t1"] - r["t0"] for r in window if r["status"] == 503]
    posts = [r for r in records if r["method"] == "POST"]
    print("figures:")
    print(f"  requests in total: {len(records)} ({len(posts)} POST), before the cut {len(before)}, "
          f"after the proxy restart {len(after)}")
    print(f"  forwarded connections reset at the cut: {killed}")
    print(f"  requests during the outage (in flight at the cut or started before the restart): {len(window)}, "
          f"wholly inside: {len(inside)}, answered 503: {len(outage_503)}, 2xx: {sum(ok2xx(r) for r in window)}")
    print(f"  503 latency during the outage: max {max(outage_503, default=0):.3f}s, "
          f"p99 {pct(outage_503, 0.99):.3f}s, median {pct(outage_503, 0.5):.3f}s")
    print(f"  recovery: first 2xx {first_2xx - t_restart if first_2xx else float('nan'):.3f}s, "
          f"sustained 2xx {sustained_at - t_restart if sustained_at else float('nan'):.3f}s after the proxy restart")
    print(f"  writes: {len(acked)} acknowledged (201), {len(acked) - len(still_missing)} found afterwards, "
          f"{len(found)} patients in the list")
    print(f"  run length {t_end - T_START:.1f}s")


if __name__ == "__main__":
    main()
