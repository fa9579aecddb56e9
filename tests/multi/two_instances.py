#!/usr/bin/env python3
"""Two server processes, one PostgreSQL database: what one instance revokes or
counts, the other honours.

For each throttle store (the database, then Redis when --redis-url is given):
  - a refresh token spent (rotated) through instance A is refused by B;
  - an access token revoked at logout on A is refused by B;
  - login attempts to A and B count against one shared per-IP limit.

    python3 tests/multi/two_instances.py --binary target/release/healthcare_backend-cli \
        --postgres postgres://postgres@127.0.0.1:5432 [--redis-url redis://127.0.0.1:6379]

Ends with "N passed, N failed"; exits non-zero on any failure.
"""
import argparse
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid

PASSWORD = "SecurePass123!"
LOGIN_LIMIT = 8
results = []


def check(ok, label):
    results.append(ok)
    print(("ok   " if ok else "FAIL ") + label)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def call(base, method, path, body=None, token=None):
    headers = {"Content-Type": "application/json"} if body is not None else {}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(base + path, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def start(binary, database_url, extra_env):
    port = free_port()
    env = dict(os.environ, LOCO_ENV="production", DEBUG="False", PORT=str(port),
               DATABASE_URL=database_url, **extra_env)
    process = subprocess.Popen([binary, "start"], env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"instance on {port} exited with {process.returncode}")
        try:
            urllib.request.urlopen(base + "/api/health/ready/", timeout=2)
            return process, base
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"instance on {port} did not become ready")


def scenario(binary, database_url, store, extra_env):
    env = dict(extra_env, SECRET_KEY="two-instances-" + uuid.uuid4().hex,
               THROTTLE_ENABLED="true", THROTTLE_LOGIN_PER_IP=f"{LOGIN_LIMIT}/day",
               THROTTLE_KEY_PREFIX="two-" + uuid.uuid4().hex)
    # The first instance migrates; the second starts on a migrated database.
    a, base_a = start(binary, database_url, env)
    b, base_b = start(binary, database_url, env)
    try:
        email = f"multi-{uuid.uuid4().hex[:8]}@example.com"
        status, body = call(base_a, "POST", "/api/auth/register/",
                            {"name": "Multi Instance", "email": email, "password": PASSWORD,
                             "confirm_password": PASSWORD})
        check(status == 201, f"[{store}] register on A")
        first_refresh = body["data"]["tokens"]["refresh"]

        status, body = call(base_a, "POST", "/api/auth/token/refresh/", {"refresh": first_refresh})
        check(status == 200, f"[{store}] refresh rotates on A")
        status, _ = call(base_b, "POST", "/api/auth/token/refresh/", {"refresh": first_refresh})
        check(status == 401, f"[{store}] the refresh token spent on A is refused by B ({status})")

        logins = 0
        status, session = call(base_b, "POST", "/api/auth/login/", {"email": email, "password": PASSWORD})
        logins += 1
        check(status == 200, f"[{store}] login on B")
        access = session["data"]["tokens"]["access"]
        refresh = session["data"]["tokens"]["refresh"]
        status, _ = call(base_b, "GET", "/api/auth/me/", token=access)
        check(status == 200, f"[{store}] B accepts its access token")
        status, _ = call(base_a, "POST", "/api/auth/logout/", {"refresh": refresh}, token=access)
        check(status == 200, f"[{store}] logout on A")
        status, _ = call(base_b, "GET", "/api/auth/me/", token=access)
        check(status == 401, f"[{store}] the access token revoked on A is refused by B ({status})")
        status, _ = call(base_b, "POST", "/api/auth/token/refresh/", {"refresh": refresh})
        check(status == 401, f"[{store}] the refresh token logged out on A is refused by B ({status})")

        # Alternate wrong-password logins between the instances: the shared
        # per-IP counter must refuse the attempt after the limit, wherever it lands.
        answers = []
        for attempt in range(LOGIN_LIMIT + 2):
            base = base_a if attempt % 2 == 0 else base_b
            status, _ = call(base, "POST", "/api/auth/login/", {"email": email, "password": "Wrong-pass-1"})
            answers.append(status)
        first_429 = answers.index(429) + 1 + logins if 429 in answers else None
        check(first_429 == LOGIN_LIMIT + 1,
              f"[{store}] logins to A and B count together: attempt {first_429} of a limit of "
              f"{LOGIN_LIMIT} is the first 429 ({answers})")
        check(all(s == 429 for s in answers[answers.index(429):]) if 429 in answers else False,
              f"[{store}] both instances keep refusing after the limit")
    finally:
        for process in (a, b):
            process.terminate()
            process.wait(timeout=30)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--binary", default="target/release/healthcare_backend-cli")
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--redis-url")
    args = parser.parse_args()

    stores = [("database", {"THROTTLE_BACKEND": "database"})]
    if args.redis_url:
        stores.append(("redis", {"THROTTLE_BACKEND": "redis", "REDIS_URL": args.redis_url}))
    for store, env in stores:
        database = f"hc_multi_{uuid.uuid4().hex[:12]}"
        subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", f'CREATE DATABASE "{database}"'],
                       check=True)
        try:
            scenario(args.binary, f"{args.postgres}/{database}", store, env)
        finally:
            subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc",
                            f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'], check=False)
    passed = sum(results)
    print(f"{passed} passed, {len(results) - passed} failed")
    sys.exit(0 if passed == len(results) else 1)


if __name__ == "__main__":
    main()
