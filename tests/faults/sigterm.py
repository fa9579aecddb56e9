#!/usr/bin/env python3
"""Fault test: SIGTERM under load drains in-flight requests and exits cleanly.

    python3 tests/faults/sigterm.py --binary target/release/healthcare_backend-cli \
        --postgres-url postgres://postgres@127.0.0.1:5432

Creates its own database on the PostgreSQL server (dropped at the end), starts
the release binary (LOCO_ENV=production, SHUTDOWN_GRACE_SECONDS=10) on it,
registers a user and runs a concurrent load: 16 threads doing POST
/api/auth/login/ (Argon2, CPU-heavy) and GET /api/patients/, each request on a
fresh connection. Two more clients start a POST /api/patients/ and hold back
half of its body, so that requests are certainly still in flight well after the
signal. Just before the signal, 8 connections opened beforehand (as a client's
or a load balancer's pool holds them) each write a whole GET /api/patients/;
SIGTERM follows as soon as the last byte is written, while the load's requests
are in flight.

Checks: every request whose bytes were all sent before the signal gets a normal
HTTP answer (2xx; no reset, no empty reply); new connections made after shutdown
began (>= 0.5 s after the signal, while the process is still draining) are
refused; the held-back uploads, completed 2 s after the signal, are answered
201; the process exits with status 0 within 12 s of the signal.

Python standard library only; traffic to 127.0.0.1 only. Prints one line per
check and closes with "N passed, M failed"; exits non-zero on any failure.
"""
import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import uuid

from faultlib import Checks, free_port, log, now, parse_response, psql

PASSWORD = "SecurePass123!"
WORKERS = 16
WARMUP_S = 3.0
GRACE_S = 10
EXIT_LIMIT_S = 12.0
SHUTDOWN_BEGAN_S = 0.5  # after the signal, the listener is surely closed by then
SLOW_RELEASE_S = 2.0  # the held-back uploads send their rest this long after the signal
BURST = 8  # requests written just before the signal
PROBES_AT = (0.5, 0.75, 1.0, 1.25, 1.5)
HARD_DEADLINE_S = 110.0

T_START = time.monotonic()


def build_request(port, method, path, body=None, token=None):
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
    return ("\r\n".join(headers) + "\r\n\r\n").encode(), payload


def http_call(port, method, path, body=None, token=None, timeout=30.0, split_body=None):
    """One request on a fresh connection (Connection: close), timed.

    t0: before connect; t_conn: connected; t_sent: every byte written; t1: answer
    read (or failure). error: None or refused|reset|empty|timeout|truncated|<exc>.
    split_body: a callable invoked after the head and the first half of the body
    are sent; the rest is sent when it returns (a slow upload).
    """
    rec = new_record(method, path)
    head, payload = build_request(port, method, path, body, token)
    try:
        sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    except ConnectionRefusedError:
        rec["error"] = "refused"
        rec["t1"] = now()
        return rec
    except OSError as exc:
        rec["error"] = f"oserror:{exc.__class__.__name__}:{exc}"
        rec["t1"] = now()
        return rec
    rec["t_conn"] = now()
    try:
        if split_body is not None:
            half = len(payload) // 2
            sock.sendall(head + payload[:half])
            split_body()
            sock.sendall(payload[half:])
        else:
            sock.sendall(head + payload)
        rec["t_sent"] = now()
    except (ConnectionResetError, BrokenPipeError):
        pass  # read_answer sees the reset
    except OSError:
        pass
    return read_answer(sock, rec, rec["t0"] + timeout)


def new_record(method, path):
    return {"method": method, "path": path, "t0": now(), "t_conn": None, "t_sent": None, "t1": None,
            "status": None, "body": None, "raw": b"", "error": None}


def read_answer(sock, rec, deadline):
    """Reads the answer to the request written on sock (closed afterwards) into rec."""
    data = b""
    reset = False
    try:
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
    except OSError as exc:
        rec["error"] = f"oserror:{exc.__class__.__name__}:{exc}"
    finally:
        rec["t1"] = now()
        sock.close()
    rec["raw"] = data
    if rec["error"] is not None:
        return rec
    parsed = parse_response(data)
    if parsed is None:
        rec["error"] = "reset" if reset else ("empty" if not data else "truncated")
        return rec
    rec["status"], _, raw_body = parsed
    try:
        rec["body"] = json.loads(raw_body) if raw_body else None
    except ValueError:
        rec["body"] = None
    return rec


def describe(rec, t_sig=None):
    what = rec["error"] or rec["status"]
    rel = ""
    if t_sig is not None and rec["t_sent"] is not None:
        rel = f", sent {rec['t_sent'] - t_sig:+.3f}s"
    if t_sig is not None and rec["t1"] is not None:
        rel += f", done {rec['t1'] - t_sig:+.3f}s from the signal"
    raw = rec.get("raw", b"")[:300] if rec["error"] or rec["status"] >= 400 else b""
    return f"{rec['method']} {rec['path']} -> {what}{rel}" + (f" {raw!r}" if raw else "")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--binary", default="target/release/healthcare_backend-cli")
    parser.add_argument("--postgres-url", default="postgres://postgres@127.0.0.1:5432",
                        help="PostgreSQL server (a database path, if any, is ignored)")
    args = parser.parse_args()

    checks = Checks()
    url = urllib.parse.urlsplit(args.postgres_url)
    admin_url = urllib.parse.urlunsplit((url.scheme, url.netloc, "/postgres", "", ""))
    db_name = f"hc_fault_sigterm_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    database_url = urllib.parse.urlunsplit((url.scheme, url.netloc, "/" + db_name, "", ""))

    state = {"server": None, "db_created": False}
    stop = threading.Event()
    log_file = tempfile.NamedTemporaryFile(prefix="sigterm_server_", suffix=".log", delete=False)

    def cleanup():
        stop.set()
        server = state["server"]
        if server is not None and server.poll() is None:
            server.kill()
            server.wait()
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
        psql(admin_url, f'CREATE DATABASE "{db_name}"')
        state["db_created"] = True
        run(args, checks, state, stop, database_url, log_file)
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


def run(args, checks, state, stop, database_url, log_file):
    port = free_port()
    env = dict(os.environ, LOCO_ENV="production", PORT=str(port), DEBUG="False", DATABASE_URL=database_url,
               SECRET_KEY="fault-" + uuid.uuid4().hex + uuid.uuid4().hex, THROTTLE_ENABLED="false",
               SHUTDOWN_GRACE_SECONDS=str(GRACE_S), ALLOWED_HOSTS="localhost,127.0.0.1")
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
    checks.check(True, "server starts", f"port {port}, pid {server.pid}")

    email = f"sigterm-{uuid.uuid4().hex[:10]}@example.com"
    rec = http_call(port, "POST", "/api/auth/register/",
                    {"name": "Sigterm Tester", "email": email, "password": PASSWORD,
                     "confirm_password": PASSWORD})
    if not checks.check(rec["status"] == 201, "register a user", describe(rec)):
        return
    token = rec["body"]["data"]["tokens"]["access"]
    patient = {"first_name": "Sam", "last_name": "Sigterm", "date_of_birth": "1975-04-05", "gender": "M"}
    for i in range(3):
        rec = http_call(port, "POST", "/api/patients/", dict(patient, first_name=f"Seed{i}"), token)
        if not checks.check(rec["status"] == 201, f"create seed patient {i}", describe(rec)):
            return

    records = []
    lock = threading.Lock()
    signalled = threading.Event()

    def worker(index):
        n = 0
        while not stop.is_set():
            n += 1
            if (index + n) % 2:
                rec = http_call(port, "POST", "/api/auth/login/", {"email": email, "password": PASSWORD})
            else:
                rec = http_call(port, "GET", "/api/patients/", token=token)
            with lock:
                records.append(rec)
            if signalled.is_set() and rec["error"] == "refused":
                return  # the server is going away: stop knocking
            if signalled.is_set():
                time.sleep(0.02)

    release = threading.Event()
    slow_records = []

    def slow_upload(index):
        rec = http_call(port, "POST", "/api/patients/", dict(patient, first_name=f"Slow{index}", medical_history="x" * 64),
                        token, split_body=lambda: release.wait(30))
        rec["slow"] = True
        with lock:
            slow_records.append(rec)

    threads = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(WORKERS)]
    for thread in threads:
        thread.start()
    log(f"load: {WORKERS} workers (login + list)")
    time.sleep(WARMUP_S - 0.5)
    slow_threads = [threading.Thread(target=slow_upload, args=(i,), daemon=True) for i in range(2)]
    for thread in slow_threads:
        thread.start()
    time.sleep(0.5)

    # A last-moment burst: BURST connections are opened (as a client's or a load
    # balancer's pool would hold them); then each writes a whole request, and the
    # signal follows as soon as the last byte is written.
    burst_socks = []
    for _ in range(BURST):
        rec = new_record("GET", "/api/patients/")
        rec["burst"] = True
        burst_socks.append((socket.create_connection(("127.0.0.1", port), timeout=30), rec))
        rec["t_conn"] = now()
    time.sleep(0.2)
    burst_head, _ = build_request(port, "GET", "/api/patients/", token=token)
    for sock, rec in burst_socks:
        sock.sendall(burst_head)
        rec["t_sent"] = now()

    t_sig = now()
    os.kill(server.pid, signal.SIGTERM)
    signalled.set()
    log("SIGTERM sent")

    def burst_read(sock, rec):
        read_answer(sock, rec, now() + 30)
        with lock:
            records.append(rec)

    burst_threads = [threading.Thread(target=burst_read, args=pair, daemon=True) for pair in burst_socks]
    for thread in burst_threads:
        thread.start()

    probes = []
    for at in PROBES_AT:
        time.sleep(max(0.0, t_sig + at - now()))
        alive = server.poll() is None
        rec = http_call(port, "GET", "/api/health/live/", timeout=3)
        probes.append((at, alive, rec))
    time.sleep(max(0.0, t_sig + SLOW_RELEASE_S - now()))
    release.set()
    log("held-back uploads released")

    try:
        code = server.wait(timeout=EXIT_LIMIT_S + 3 - (now() - t_sig))
    except subprocess.TimeoutExpired:
        code = None
    t_exit = now() if code is not None else None
    log(f"server exited with {code}" if code is not None else "server still running")
    stop.set()
    for thread in threads + slow_threads + burst_threads:
        thread.join(timeout=35)

    with lock:
        records = list(records)
        slow_records = list(slow_records)

    before = [r for r in records if r["t1"] < t_sig]
    bad_before = [r for r in before if r["status"] != 200]
    checks.check(before and not bad_before, "before the signal every request is answered 200",
                 f"{len(before)} requests" if not bad_before else
                 f"{len(bad_before)} not, e.g. {describe(bad_before[0], t_sig)}")

    # Sent before the signal: every byte written (load), or connected and half-written (held-back uploads).
    sent_before = [r for r in records if r["t_sent"] is not None and r["t_sent"] < t_sig]
    sent_before += [r for r in slow_records if r["t_conn"] is not None and r["t_conn"] < t_sig]
    sent_ids = {id(r) for r in sent_before}
    in_flight = [r for r in sent_before if r["t1"] >= t_sig]
    checks.check(len(in_flight) >= 4, "requests are in flight when the signal is sent",
                 f"{len(in_flight)} sent and not yet answered")
    for label, group in (("the load's requests in flight at the signal", [r for r in in_flight if not r.get("burst")]),
                         ("the requests written just before the signal", [r for r in in_flight if r.get("burst")])):
        unanswered = [r for r in group if r["error"] is not None]
        checks.check(group and not unanswered, f"{label} get an HTTP answer (no reset, no empty reply)",
                     f"{len(group)} of {len(group)} answered" if group and not unanswered else
                     f"{len(unanswered)} of {len(group)} not, e.g. " +
                     "; ".join(describe(r, t_sig) for r in unanswered[:3]))
    not_ok = [r for r in in_flight if r["error"] is None and not (200 <= r["status"] < 300)]
    checks.check(not not_ok, "every request in flight at the signal completes normally (2xx)",
                 f"last one answered {max((r['t1'] for r in in_flight), default=t_sig) - t_sig:.3f}s after the signal"
                 if not not_ok else f"{len(not_ok)} not, e.g. " + "; ".join(describe(r, t_sig) for r in not_ok[:3]))

    slow_ok = [r for r in slow_records if r["status"] == 201]
    checks.check(len(slow_records) == 2 and len(slow_ok) == 2,
                 f"uploads held back across the signal are answered 201 when completed {SLOW_RELEASE_S:.0f}s later",
                 "; ".join(describe(r, t_sig) for r in slow_records))

    meaningful = [p for p in probes if p[1]]
    refused = [p for p in meaningful if p[2]["error"] == "refused"]
    checks.check(meaningful and len(refused) == len(meaningful),
                 "new connections while the server drains are refused",
                 f"{len(refused)} of {len(meaningful)} probes at +{PROBES_AT[0]}..+{PROBES_AT[-1]}s refused "
                 f"with the process alive" if meaningful and len(refused) == len(meaningful) else
                 f"probes: " + "; ".join(f"+{at}s alive={alive} -> {rec['error'] or rec['status']}"
                                          for at, alive, rec in probes))
    late = [r for r in records if r["t0"] >= t_sig + SHUTDOWN_BEGAN_S]
    late_bad = [r for r in late if r["error"] != "refused"]
    checks.check(not late_bad, f"load connections opened >= {SHUTDOWN_BEGAN_S}s after the signal are refused",
                 f"{len(late)} attempts, all refused" if not late_bad else
                 f"{len(late_bad)} of {len(late)} not, e.g. {describe(late_bad[0], t_sig)}")

    checks.check(code == 0, "the process exits with status 0", f"status {code}")
    shutdown_s = t_exit - t_sig if t_exit is not None else None
    checks.check(shutdown_s is not None and shutdown_s <= EXIT_LIMIT_S,
                 f"the process exits within {EXIT_LIMIT_S:.0f}s of SIGTERM (grace {GRACE_S}s)",
                 f"{shutdown_s:.3f}s" if shutdown_s is not None else "still running")

    # Figures.
    window = [r for r in records if r["t0"] < t_sig + SHUTDOWN_BEGAN_S and id(r) not in sent_ids and r["t1"] >= t_sig]
    kinds = {}
    for r in window:
        key = r["error"] or str(r["status"])
        kinds[key] = kinds.get(key, 0) + 1
    drain = [r["t1"] - t_sig for r in in_flight if not r.get("slow")]
    print("figures:")
    print(f"  requests before the signal: {len(before)}; in flight at the signal: {len(in_flight)} "
          f"({sum(r['method'] == 'POST' and 'login' in r['path'] for r in in_flight)} logins, "
          f"{sum(r['method'] == 'GET' for r in in_flight)} lists, "
          f"{sum(bool(r.get('slow')) for r in in_flight)} held-back uploads, "
          f"{sum(bool(r.get('burst')) for r in in_flight)} written just before the signal)")
    print(f"  in flight completed: {sum(1 for r in in_flight if r['error'] is None and 200 <= r['status'] < 300)} "
          f"of {len(in_flight)}; fast ones drained {max(drain, default=0):.3f}s after the signal")
    print(f"  opened in the first {SHUTDOWN_BEGAN_S}s after the signal: {kinds or 'none'}; "
          f"later attempts refused: {sum(r['error'] == 'refused' for r in late)} of {len(late)}")
    print(f"  shutdown: exit status {code}, "
          f"{shutdown_s:.3f}s after SIGTERM" if shutdown_s is not None else "  shutdown: did not exit")


if __name__ == "__main__":
    main()
