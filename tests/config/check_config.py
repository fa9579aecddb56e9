#!/usr/bin/env python3
"""The configuration as an operator meets it, against the release binary:

- the seed's variables work from a `.env` file, and the environment wins over it;
- `DATABASE_URL` wins over `DB_*`, and `DB_*` alone select PostgreSQL;
- production refuses to start with DEBUG on, with an empty, the development, a
  short (under 32 bytes) or a patterned (under 5 distinct characters)
  SECRET_KEY, and says why; the development key is refused on a non-loopback
  address in any environment and warned about whenever it is used;
- the security headers (no-store, nosniff, no-referrer, no x-powered-by), and
  HSTS in production only when SECURE_HSTS_SECONDS is set.

    python3 tests/config/check_config.py --binary target/release/healthcare_backend-cli \
        --postgres postgres://postgres@127.0.0.1:5432

Ends with "N passed, N failed"; exits non-zero on any failure.
"""
import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
results = []


def check(ok, label):
    results.append(ok)
    print(("ok   " if ok else "FAIL ") + label)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def base_env(**extra):
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": tempfile.gettempdir()}
    env.update(extra)
    return env


def serve(binary, workdir, env, port):
    """Starts the server; returns (process, answered) once it answers or exits."""
    process = subprocess.Popen([binary, "start"], cwd=workdir, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT)
    deadline = time.time() + 30
    while time.time() < deadline and process.poll() is None:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/health/live/", timeout=1)
            return process, True
        except OSError:
            time.sleep(0.2)
    return process, False


def stop(process):
    if process.poll() is None:
        process.terminate()
    try:
        output, _ = process.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        output, _ = process.communicate()
    return output.decode(errors="replace")


def status_of(port, path, host=None):
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}")
    if host:
        request.add_header("Host", host)
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def refused(binary, workdir, env, *flags):
    """Runs `start` expecting a refusal: (exit code, output); the exit code is
    None if the server started instead (it is then stopped)."""
    try:
        process = subprocess.run([binary, "start", *flags], cwd=workdir, env=env, capture_output=True,
                                 text=True, timeout=30)
        return process.returncode, process.stdout + process.stderr
    except subprocess.TimeoutExpired as expired:
        output = (expired.stdout or b"") + (expired.stderr or b"")
        return None, output.decode(errors="replace") if isinstance(output, bytes) else output


def headers_of(port, path, host=None):
    """(status, headers with lower-cased names) of a GET."""
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}")
    if host:
        request.add_header("Host", host)
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, {k.lower(): v for k, v in response.headers.items()}
    except urllib.error.HTTPError as error:
        return error.code, {k.lower(): v for k, v in error.headers.items()}


def security_headers_ok(headers):
    return (headers.get("cache-control") == "no-store" and headers.get("x-content-type-options") == "nosniff"
            and headers.get("referrer-policy") == "no-referrer" and "x-powered-by" not in headers)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--binary", default=os.path.join(ROOT, "target/release/healthcare_backend-cli"))
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432")
    args = parser.parse_args()
    binary = os.path.abspath(args.binary)
    workdir = tempfile.mkdtemp()
    shutil.copytree(os.path.join(ROOT, "config"), os.path.join(workdir, "config"))
    database = f"hc_config_{uuid.uuid4().hex[:12]}"
    subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", f'CREATE DATABASE "{database}"'],
                   check=True)
    try:
        # 1. Development, configured only by .env (DB_* select PostgreSQL).
        port = free_port()
        with open(os.path.join(workdir, ".env"), "w") as env_file:
            env_file.write(f"PORT={port}\nALLOWED_HOSTS=clinic.test\nDB_NAME={database}\n"
                           "DB_USER=postgres\nDB_PASSWORD=\nDB_HOST=127.0.0.1\nDB_PORT=5432\n"
                           "JWT_ACCESS_TOKEN_LIFETIME_MINUTES=5\nCORS_ALLOWED_ORIGINS=https://app.clinic.test\n")
        process, answered = serve(binary, workdir, base_env(), port)
        check(answered, "PORT from .env")
        if answered:
            check(status_of(port, "/api/auth/me/")[0] == 400, "ALLOWED_HOSTS from .env refuses 127.0.0.1")
            check(status_of(port, "/api/auth/me/", host="clinic.test")[0] == 401,
                  "ALLOWED_HOSTS from .env admits clinic.test")
            status, body = status_of(port, "/api/health/ready/")
            check(status == 200, "DB_* from .env select PostgreSQL")
            registered = urllib.request.Request(
                f"http://127.0.0.1:{port}/api/auth/register/",
                data=json.dumps({"name": "Env File", "email": "env@example.com", "password": "SecurePass123!",
                                 "confirm_password": "SecurePass123!"}).encode(),
                headers={"Content-Type": "application/json", "Host": "clinic.test"}, method="POST")
            with urllib.request.urlopen(registered, timeout=10) as response:
                access = json.loads(response.read())["data"]["tokens"]["access"]
            claims = json.loads(__import__("base64").urlsafe_b64decode(access.split(".")[1] + "=="))
            check(claims["exp"] - claims["iat"] == 300, "JWT_ACCESS_TOKEN_LIFETIME_MINUTES from .env")
            status, headers = headers_of(port, "/api/auth/me/", host="clinic.test")
            check(security_headers_ok(headers) and "strict-transport-security" not in headers,
                  "development: no-store, nosniff, no-referrer, no x-powered-by, no HSTS "
                  f"({ {k: v for k, v in headers.items() if k not in ('date', 'x-request-id', 'vary')} })")
        output = stop(process)
        check("SECRET_KEY is the development key" in output,
              "a warning at start when the development SECRET_KEY is in use")
        tables = subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", database, "-Atc",
                                 "select count(*) from users"], capture_output=True, text=True).stdout.strip()
        check(tables == "1", "the user was written to the DB_* database")

        # 2. The environment wins over .env; DATABASE_URL wins over DB_*.
        port2 = free_port()
        sqlite = os.path.join(workdir, "env-wins.sqlite")
        process, answered = serve(binary, workdir, base_env(PORT=str(port2), ALLOWED_HOSTS="127.0.0.1",
                                                            DATABASE_URL=f"sqlite://{sqlite}?mode=rwc"), port2)
        check(answered, "PORT from the environment wins over .env")
        if answered:
            check(status_of(port2, "/api/auth/me/")[0] == 401, "ALLOWED_HOSTS from the environment wins")
        stop(process)
        check(os.path.exists(sqlite), "DATABASE_URL wins over DB_*")
        os.remove(os.path.join(workdir, ".env"))

        # 3. A request slower than REQUEST_TIMEOUT_MS answers 503 in the envelope
        #    (a login hashes with Argon2id for ~20 ms; the limit here is 2 ms).
        port3 = free_port()
        process, answered = serve(binary, workdir, base_env(
            LOCO_ENV="production", DEBUG="False", SECRET_KEY="k-" + uuid.uuid4().hex, PORT=str(port3),
            DATABASE_URL=f"{args.postgres}/{database}", REQUEST_TIMEOUT_MS="2", THROTTLE_ENABLED="false"), port3)
        if answered:
            login = urllib.request.Request(
                f"http://127.0.0.1:{port3}/api/auth/login/",
                data=json.dumps({"email": "env@example.com", "password": "SecurePass123!"}).encode(),
                headers={"Content-Type": "application/json"}, method="POST")
            try:
                urllib.request.urlopen(login, timeout=10)
                status, body = 200, {}
            except urllib.error.HTTPError as error:
                status, body = error.code, json.loads(error.read() or b"null")
            check(status == 503 and body.get("success") is False and "errors" in body,
                  f"a request over REQUEST_TIMEOUT_MS answers 503 in the envelope ({status})")
        else:
            check(False, "server with REQUEST_TIMEOUT_MS starts")
        output = stop(process)
        check("throttling is OFF" in output, "production logs a warning at start when throttling is off")
        check("development key" not in output, "no development-key warning with a real SECRET_KEY")

        # 4. Production security headers; HSTS only with SECURE_HSTS_SECONDS.
        for hsts, expected in [(None, None), ("31536000", "max-age=31536000")]:
            port4 = free_port()
            extra = {"SECURE_HSTS_SECONDS": hsts} if hsts else {}
            process, answered = serve(binary, workdir, base_env(
                LOCO_ENV="production", DEBUG="False", SECRET_KEY="k-" + uuid.uuid4().hex, PORT=str(port4),
                DATABASE_URL=f"{args.postgres}/{database}", **extra), port4)
            if answered:
                status, headers = headers_of(port4, "/api/auth/me/")
                check(status == 401 and security_headers_ok(headers)
                      and headers.get("strict-transport-security") == expected,
                      f"production, SECURE_HSTS_SECONDS={hsts}: Strict-Transport-Security "
                      f"{headers.get('strict-transport-security')!r}, no-store, nosniff, no x-powered-by")
            else:
                check(False, f"production server with SECURE_HSTS_SECONDS={hsts} starts")
            stop(process)

        # 5. Production refuses unsafe settings, and says why.
        production = dict(LOCO_ENV="production", PORT=str(free_port()),
                          DATABASE_URL=f"{args.postgres}/{database}")
        for label, extra, expected in [
            ("DEBUG on", {"SECRET_KEY": "k-" + uuid.uuid4().hex}, "DEBUG"),
            ("an empty SECRET_KEY", {"DEBUG": "False"}, "SECRET_KEY"),
            ("the development SECRET_KEY",
             {"DEBUG": "False", "SECRET_KEY": "django-insecure-dev-key-change-me-in-production"}, "SECRET_KEY"),
            ("a SECRET_KEY shorter than 32 bytes",
             {"DEBUG": "False", "SECRET_KEY": uuid.uuid4().hex[:31]}, "shorter than 32 bytes"),
            ("a SECRET_KEY of fewer than 5 distinct characters",
             {"DEBUG": "False", "SECRET_KEY": "abcd" * 16}, "4 distinct characters"),
        ]:
            code, output = refused(binary, workdir, base_env(**production, **extra))
            check(code not in (0, None) and expected in output,
                  f"production refuses {label} and says why ({output.strip().splitlines()[-1:]})")

        # 6. The development key on a non-loopback address: refused in any environment.
        code, output = refused(binary, workdir, base_env(PORT=str(free_port()),
                                                         DATABASE_URL=f"{args.postgres}/{database}"),
                               "--binding", "0.0.0.0")
        check(code not in (0, None) and "SECRET_KEY is the development key" in output and "0.0.0.0" in output,
              f"development refuses the development SECRET_KEY on 0.0.0.0 and says why "
              f"({output.strip().splitlines()[-1:]})")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
        subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc",
                        f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'], check=False)
    passed = sum(results)
    print(f"{passed} passed, {len(results) - passed} failed")
    sys.exit(0 if passed == len(results) else 1)


if __name__ == "__main__":
    main()
