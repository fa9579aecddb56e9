#!/usr/bin/env python3
"""Attacks from outside: what issue 10's security review found, tried against
the release binary the way an outsider (or a rogue staff member) would.

    python3 tests/security/attack.py --binary target/release/healthcare_backend-cli \
        --postgres postgres://postgres@127.0.0.1:5432

Creates its own PostgreSQL database (dropped at the end) and serves the binary in
the production environment with DATABASE_URL pointing at a TCP proxy in front of
PostgreSQL (tests/faults/db_outage.py's), so that one attack can take the database
away. A second, short server run tests the refresh chain's absolute lifetime, and
a few `start` runs the signing-key rules. Then it prints a table:

    attack | expected | got

one row per attempt (console escalation, ending sessions, refresh token
families, the Host header, the signing key, robustness) and exits non-zero when
any row's answer is not the expected one. Python standard library only; traffic
to 127.0.0.1 only.
"""
import argparse
import base64
import concurrent.futures
import http.client
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
import uuid

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tests", "faults"))
from db_outage import Proxy  # noqa: E402  (the fault tests' TCP proxy)
from faultlib import free_port, psql  # noqa: E402

PASSWORD = "SecurePass123!"
NEW_PASSWORD = "Another-Secure-Pass-456"
REUSE_GRACE_SECONDS = 2
DEVELOPMENT_KEY = "django-insecure-dev-key-change-me-in-production"


# --------------------------------------------------------------------------- table


class Table:
    def __init__(self):
        self.rows = []

    def row(self, item, attack, expected, got):
        """Records one attempt; `got` is compared with `expected` as text."""
        self.rows.append((str(item), attack, str(expected), str(got)))
        mark = "ok  " if str(expected) == str(got) else "FAIL"
        print(f"{mark} [{item}] {attack}: expected {expected}, got {got}", flush=True)

    def failed(self):
        return [row for row in self.rows if row[2] != row[3]]

    def print(self):
        widths = [max(len(r[1]) + len(r[0]) + 3 for r in self.rows), max(len(r[2]) for r in self.rows),
                  max(len(r[3]) for r in self.rows)]
        widths = [max(widths[0], 6), max(widths[1], 8), max(widths[2], 3)]
        line = f"+-{'-' * widths[0]}-+-{'-' * widths[1]}-+-{'-' * widths[2]}-+----+"
        print()
        print(line)
        print(f"| {'attack':<{widths[0]}} | {'expected':<{widths[1]}} | {'got':<{widths[2]}} |    |")
        print(line)
        for item, attack, expected, got in sorted(self.rows, key=lambda row: int(row[0])):
            label = f"{item}. {attack}"
            verdict = "ok" if expected == got else "NO"
            print(f"| {label:<{widths[0]}} | {expected:<{widths[1]}} | {got:<{widths[2]}} | {verdict} |")
        print(line)


# --------------------------------------------------------------------------- HTTP


class Response:
    def __init__(self, status, headers, raw):
        self.status = status
        self.headers = headers  # lower-cased names; repeated names joined by "\n"
        self.raw = raw
        try:
            self.json = json.loads(raw) if raw else None
        except ValueError:
            self.json = None

    @property
    def text(self):
        return self.raw.decode("utf-8", errors="replace")


def call(port, method, path, body=None, token=None, headers=None, form=None, cookie=None, timeout=15):
    """One request on its own connection; (status None, error text) on a transport failure."""
    sent = {"Accept": "application/json", "Connection": "close"}
    payload = None
    if body is not None:
        payload = json.dumps(body).encode()
        sent["Content-Type"] = "application/json"
    if form is not None:
        payload = urllib.parse.urlencode(form).encode()
        sent["Content-Type"] = "application/x-www-form-urlencoded"
        sent["Accept"] = "text/html"
    if token:
        sent["Authorization"] = f"Bearer {token}"
    if cookie:
        sent["Cookie"] = cookie
    sent.update(headers or {})
    sent.setdefault("Host", f"127.0.0.1:{port}")
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request(method, path, body=payload, headers=sent)
        response = connection.getresponse()
        merged = {}
        for name, value in response.getheaders():
            name = name.lower()
            merged[name] = f"{merged[name]}\n{value}" if name in merged else value
        return Response(response.status, merged, response.read())
    except (OSError, http.client.HTTPException) as error:
        return Response(None, {}, f"{error.__class__.__name__}: {error}".encode())
    finally:
        connection.close()


def status(response):
    return response.status if response.status is not None else response.text


def tokens_of(response):
    data = (response.json or {}).get("data") or {}
    tokens = data.get("tokens", data)
    return tokens.get("access"), tokens.get("refresh")


def sign_in(port, email, password=PASSWORD):
    response = call(port, "POST", "/api/auth/login/", {"email": email, "password": password})
    return response, tokens_of(response)


def register(port, name):
    email = f"{name.lower().replace(' ', '.')}-{uuid.uuid4().hex[:10]}@example.com"
    response = call(port, "POST", "/api/auth/register/",
                    {"name": name, "email": email, "password": PASSWORD, "confirm_password": PASSWORD})
    if response.status != 201:
        raise SystemExit(f"registration of {name} failed: {response.status} {response.text[:300]}")
    data = response.json["data"]
    access, refresh = tokens_of(response)
    return {"id": data["user"]["id"], "email": email, "name": name, "access": access, "refresh": refresh}


def me(port, access):
    return status(call(port, "GET", "/api/auth/me/", token=access))


def refresh(port, token):
    return call(port, "POST", "/api/auth/token/refresh/", {"refresh": token})


def claims_of(token):
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


# --------------------------------------------------------------------------- console


class Console:
    """A signed-in admin console session: its cookie and CSRF token."""

    CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')

    def __init__(self, port, email, password=PASSWORD):
        self.port = port
        page = call(port, "GET", "/admin/login/")
        login_cookie = self._cookie(page, "hc_admin_csrf")
        answer = call(port, "POST", "/admin/login/", cookie=login_cookie,
                      form={"csrf_token": self._csrf(page), "email": email, "password": password})
        self.cookie = self._cookie(answer, "hc_admin_session")
        if answer.status != 303 or not self.cookie:
            raise SystemExit(f"console sign-in of {email} failed: {answer.status} {answer.text[:300]}")
        self.csrf = self._csrf(self.get("/admin/"))

    @staticmethod
    def _cookie(response, name):
        for line in response.headers.get("set-cookie", "").split("\n"):
            pair = line.split(";", 1)[0].strip()
            if pair.startswith(f"{name}="):
                return pair
        return ""

    def _csrf(self, page):
        found = self.CSRF.search(page.text)
        return found.group(1) if found else ""

    def get(self, path):
        return call(self.port, "GET", path, cookie=self.cookie, headers={"Accept": "text/html"})

    def post(self, path, fields):
        return call(self.port, "POST", path, cookie=self.cookie, form={"csrf_token": self.csrf, **fields})


# --------------------------------------------------------------------------- servers


def base_env(**extra):
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": tempfile.gettempdir()}
    env.update({k: v for k, v in extra.items() if v is not None})
    return env


def production_env(database_url, port, **extra):
    return base_env(LOCO_ENV="production", DEBUG="False", SECRET_KEY=uuid.uuid4().hex + uuid.uuid4().hex,
                    DATABASE_URL=database_url, PORT=str(port), ALLOWED_HOSTS="127.0.0.1,localhost",
                    THROTTLE_ENABLED="false", **extra)


def serve(binary, workdir, env, port, log_path):
    log_file = open(log_path, "ab")
    process = subprocess.Popen([binary, "start"], cwd=workdir, env=env, stdout=log_file,
                               stderr=subprocess.STDOUT)
    deadline = time.time() + 60
    while time.time() < deadline and process.poll() is None:
        if call(int(env["PORT"]), "GET", "/api/health/live/", timeout=1).status == 200:
            return process
        time.sleep(0.2)
    stop(process)
    with open(log_path, encoding="utf-8", errors="replace") as log_file:
        raise SystemExit(f"the server did not start:\n{log_file.read()[-3000:]}")


def stop(process):
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def task(binary, workdir, env, *args):
    return subprocess.run([binary, "task", *args], cwd=workdir, env=env, capture_output=True, text=True,
                          timeout=60)


# --------------------------------------------------------------------------- attacks


def console_escalation(t, port, binary, workdir, env):
    """Item 1: a staff member who is not a superuser acts on staff and superuser accounts."""
    root_email = f"root-{uuid.uuid4().hex[:8]}@example.com"
    made = task(binary, workdir, env, "create_superuser", f"email:{root_email}", "name:Rita Root",
                f"password:{PASSWORD}")
    if made.returncode != 0:
        raise SystemExit(f"create_superuser failed: {made.stderr}")
    root = Console(port, root_email)
    staff = register(port, "Sam Staff")
    other_staff = register(port, "Olga Otherstaff")
    for account in (staff, other_staff):
        done = root.post(f"/admin/users/{account['id']}/",
                         {"name": account["name"], "email": account["email"], "is_active": "true",
                          "is_staff": "true"})
        if done.status != 303:
            raise SystemExit(f"the superuser could not make {account['name']} staff: {done.status}")
    root_id = call(port, "POST", "/api/auth/login/", {"email": root_email, "password": PASSWORD}).json
    root_id = root_id["data"]["user"]["id"]
    sam = Console(port, staff["email"])

    for target, who in ((root_id, "the superuser"), (other_staff["id"], "another staff member")):
        name, email = ("Rita Root", root_email) if target == root_id else (other_staff["name"],
                                                                            other_staff["email"])
        t.row(1, f"staff resets the password of {who}", 403,
              status(sam.post(f"/admin/users/{target}/password/",
                              {"password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD})))
        t.row(1, f"staff edits the e-mail of {who}", 403,
              status(sam.post(f"/admin/users/{target}/",
                              {"name": name, "email": f"taken-over-{uuid.uuid4().hex[:6]}@example.com",
                               "is_active": "true", "is_staff": "true"})))
        t.row(1, f"staff deactivates {who}", 403,
              status(sam.post(f"/admin/users/{target}/", {"name": name, "email": email, "is_staff": "true"})))
        t.row(1, f"staff deletes {who}", 403, status(sam.post(f"/admin/users/{target}/delete/", {})))
    t.row(1, "the superuser still signs in with the old password", 200,
          status(sign_in(port, root_email)[0]))
    t.row(1, "staff sends is_superuser for its own account (a forged form)", 403,
          status(sam.post(f"/admin/users/{staff['id']}/",
                          {"name": staff["name"], "email": staff["email"], "is_active": "true",
                           "is_staff": "true", "is_superuser": "true"})))
    t.row(1, "staff grants itself superuser, then resets the superuser's password", 403,
          status(sam.post(f"/admin/users/{root_id}/password/",
                          {"password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD})))
    refused = root.get("/admin/log/")
    t.row(1, "the refused attempts are in the change log", True, "refused: reset password" in refused.text)
    return root


def ending_sessions(t, port, binary, workdir, env, root):
    """Item 2: a password change, log out everywhere, a console reset, the task, deactivation."""
    alice = register(port, "Alice Change")
    _, (other_access, other_refresh) = sign_in(port, alice["email"])
    wrong = call(port, "POST", "/api/auth/password/change/", token=alice["access"],
                 body={"old_password": "Not-my-password-1", "new_password": NEW_PASSWORD,
                       "confirm_password": NEW_PASSWORD})
    t.row(2, "password change with a wrong old password", "400 old_password",
          f"{status(wrong)} {','.join(sorted(((wrong.json or {}).get('errors') or {}).keys()))}")
    changed = call(port, "POST", "/api/auth/password/change/", token=alice["access"],
                   body={"old_password": PASSWORD, "new_password": NEW_PASSWORD,
                         "confirm_password": NEW_PASSWORD})
    new_access, new_refresh = tokens_of(changed)
    t.row(2, "password change", 200, status(changed))
    t.row(2, "after it: the old access token", 401, me(port, alice["access"]))
    t.row(2, "after it: the old refresh token", 401, status(refresh(port, alice["refresh"])))
    t.row(2, "after it: another session's access token", 401, me(port, other_access))
    t.row(2, "after it: another session's refresh token", 401, status(refresh(port, other_refresh)))
    t.row(2, "after it: the new access token", 200, me(port, new_access))

    bob = register(port, "Bob Everywhere")
    _, (bob_access2, bob_refresh2) = sign_in(port, bob["email"])
    t.row(2, "log out everywhere", 200, status(call(port, "POST", "/api/auth/logout/all/", token=bob["access"])))
    t.row(2, "after it: the caller's refresh token", 401, status(refresh(port, bob["refresh"])))
    t.row(2, "after it: another session's access token", 401, me(port, bob_access2))
    t.row(2, "after it: another session's refresh token", 401, status(refresh(port, bob_refresh2)))

    carol = register(port, "Carol Console")
    reset = root.post(f"/admin/users/{carol['id']}/password/",
                      {"password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD})
    t.row(2, "console password reset (by the superuser)", 303, status(reset))
    t.row(2, "after it: the old access token", 401, me(port, carol["access"]))
    t.row(2, "after it: the old refresh token", 401, status(refresh(port, carol["refresh"])))

    dave = register(port, "Dave Task")
    changed = task(binary, workdir, env, "change_password", f"email:{dave['email']}", f"password:{NEW_PASSWORD}")
    t.row(2, "change_password task", 0, changed.returncode)
    t.row(2, "after it: the old access token", 401, me(port, dave["access"]))

    erin = register(port, "Erin Returning")
    for fields in ({}, {"is_active": "true"}):
        root.post(f"/admin/users/{erin['id']}/", {"name": erin["name"], "email": erin["email"], **fields})
    t.row(2, "deactivated, then reactivated: the old access token", 401, me(port, erin["access"]))
    t.row(2, "deactivated, then reactivated: the old refresh token", 401, status(refresh(port, erin["refresh"])))


def refresh_families(t, port):
    """Item 3: reuse of a spent refresh token, within and after the grace; concurrent refreshes."""
    frank = register(port, "Frank Family")
    _, (other_access, other_refresh) = sign_in(port, frank["email"])
    first = refresh(port, frank["refresh"])
    access1, refresh1 = tokens_of(first)
    t.row(3, "a spent refresh token again, within the grace", 401, status(refresh(port, frank["refresh"])))
    second = refresh(port, refresh1)
    t.row(3, "within the grace: the client's newer refresh token still works", 200, status(second))
    access2, refresh2 = tokens_of(second)
    time.sleep(REUSE_GRACE_SECONDS + 1.5)
    t.row(3, "a spent refresh token again, after the grace", 401, status(refresh(port, refresh1)))
    t.row(3, "after it: the newest refresh token of that sign-in", 401, status(refresh(port, refresh2)))
    t.row(3, "after it: the newest access token of that sign-in", 401, me(port, access2))
    t.row(3, "after it: an older access token of that sign-in", 401, me(port, access1))
    t.row(3, "after it: the user's other sign-in", "200 200",
          f"{me(port, other_access)} {status(refresh(port, other_refresh))}")

    grace = register(port, "Gina Race")
    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(lambda _: status(refresh(port, grace["refresh"])), range(8)))
    t.row(3, "8 concurrent refreshes with one token: successes", 1, answers.count(200))


def absolute_lifetime(t, binary, workdir, database_url, log_path):
    """Item 3: a second server run where the refresh chain's absolute lifetime is 0 days."""
    port = free_port()
    process = serve(binary, workdir, production_env(database_url, port, JWT_REFRESH_ABSOLUTE_DAYS="0"), port,
                    log_path)
    try:
        henry = register(port, "Henry Lifetime")
        t.row(3, "refresh after the chain's absolute lifetime (JWT_REFRESH_ABSOLUTE_DAYS=0)", 401,
              status(refresh(port, henry["refresh"])))
        t.row(3, "the access token of that sign-in still works until it expires", 200, me(port, henry["access"]))
    finally:
        stop(process)


def host_header(t, port):
    """Item 5: Host headers that are not a host name or [IPv6] with an optional numeric port."""
    ivy = register(port, "Ivy Hosts")
    for _ in range(2):
        call(port, "POST", "/api/patients/", token=ivy["access"],
             body={"first_name": "Host", "last_name": "Test", "date_of_birth": "1990-01-01", "gender": "F"})
    for host in ("localhost:@evil.example", "evil.example@localhost", "localhost:80:80", "localhost:abc",
                 "[::1", "local host", "localhost/evil"):
        t.row(5, f"Host: {host}", 400, status(call(port, "GET", "/api/patients/?page_size=1", token=ivy["access"],
                                                   headers={"Host": host})))
    page = call(port, "GET", "/api/patients/?page_size=1", token=ivy["access"],
                headers={"Host": "localhost:@evil.example"})
    t.row(5, "a list's next link never names evil.example", False, "evil.example" in page.text)
    good = call(port, "GET", "/api/patients/?page_size=1", token=ivy["access"], headers={"Host": "localhost:8000"})
    next_link = ((good.json or {}).get("next") or "")
    t.row(5, "Host: localhost:8000 builds next on it", True, next_link.startswith("http://localhost:8000/"))


def signing_key(t, binary, workdir, database_url):
    """Item 7: weak keys in production; the development key on a public address."""
    production = dict(LOCO_ENV="production", DEBUG="False", DATABASE_URL=database_url)
    cases = [
        ("production with a 31-byte SECRET_KEY", production, uuid.uuid4().hex[:31], [], "32 bytes"),
        ("production with a 64-byte SECRET_KEY of 4 distinct characters", production, "abcd" * 16, [],
         "distinct"),
        ("the development SECRET_KEY on 0.0.0.0", {}, DEVELOPMENT_KEY, ["--binding", "0.0.0.0"], "0.0.0.0"),
    ]
    for label, extra, key, flags, reason in cases:
        env = base_env(PORT=str(free_port()), SECRET_KEY=key, **extra)
        if not extra:
            env["DATABASE_URL"] = database_url
        try:
            run = subprocess.run([binary, "start", *flags], cwd=workdir, env=env, capture_output=True, text=True,
                                 timeout=30)
            output = run.stdout + run.stderr
            got = "refused, says why" if run.returncode != 0 and reason in output else \
                f"exit {run.returncode}: {output.strip().splitlines()[-1:]}"
        except subprocess.TimeoutExpired:
            got = "started"
        t.row(7, label, "refused, says why", got)


def robustness(t, port, binary, workdir, env, root, proxy):
    """Item 9: concurrent logouts, NUL in a console query, the database lost, task errors."""
    jack = register(port, "Jack Logout")
    refresh_tokens = [jack["refresh"]] + [sign_in(port, jack["email"])[1][1] for _ in range(19)]
    with concurrent.futures.ThreadPoolExecutor(max_workers=10) as pool:
        answers = list(pool.map(
            lambda token: status(call(port, "POST", "/api/auth/logout/", {"refresh": token}, token=jack["access"])),
            refresh_tokens))
    t.row(9, "20 concurrent logouts with one access token: 5xx answers", 0,
          sum(1 for a in answers if not isinstance(a, int) or a >= 500))
    t.row(9, "NUL in a console list's query string", 400, status(root.get("/admin/users/?q=%00")))

    kim = register(port, "Kim Lost")
    patient = call(port, "POST", "/api/patients/", token=kim["access"],
                   body={"first_name": "Lost", "last_name": "Db", "date_of_birth": "1980-05-05", "gender": "M"})
    doctor = call(port, "POST", "/api/doctors/", token=kim["access"],
                  body={"first_name": "Dee", "last_name": "Tor", "specialization": "cardiology",
                        "email": f"dee-{uuid.uuid4().hex[:8]}@hospital.example", "phone": "555-0100",
                        "license_number": f"LIC-{uuid.uuid4().hex[:10]}", "qualification": "MD",
                        "hospital_affiliation": "General"})
    proxy.cut()
    try:
        lost = call(port, "POST", "/api/mappings/", token=kim["access"],
                    body={"patient": (patient.json or {}).get("data", {}).get("id"),
                          "doctor": (doctor.json or {}).get("data", {}).get("id")})
        # Black-box, the database can only be cut before the request, so the
        # authentication query meets the outage first; tests/requests/mappings
        # cuts it during the patient lookup itself.
        t.row(9, "POST /api/mappings/ while the database is gone", 503, status(lost))
    finally:
        proxy.start()
    for _ in range(50):
        if call(port, "GET", "/api/health/ready/", timeout=2).status == 200:
            break
        time.sleep(0.2)

    failed = task(binary, workdir, env, "change_password", "email:nobody-here@example.com",
                  f"password:{NEW_PASSWORD}")
    t.row(9, "a task's error message ends with a newline", "exit 1, ends with \\n",
          f"exit {failed.returncode}, " + ("ends with \\n" if failed.stderr.endswith("\n") and failed.stderr.strip()
                                          else f"stderr {failed.stderr[-40:]!r}"))


# --------------------------------------------------------------------------- main


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--binary", default=os.path.join(ROOT, "target/release/healthcare_backend-cli"))
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432",
                        help="a PostgreSQL server URL (no database); a database is created and dropped")
    args = parser.parse_args()
    binary = os.path.abspath(args.binary)
    started = time.monotonic()
    server = urllib.parse.urlsplit(args.postgres)
    database = f"hc_attack_{os.getpid()}_{int(time.time())}"
    admin_url = f"{args.postgres}/postgres"
    psql(admin_url, f'CREATE DATABASE "{database}"')
    workdir = tempfile.mkdtemp(prefix="attack-")
    # The binary reads config/<env>.yaml from its working directory; no .env here.
    shutil.copytree(os.path.join(ROOT, "config"), os.path.join(workdir, "config"))
    log_path = os.path.join(workdir, "server.log")
    proxy = Proxy(server.hostname or "127.0.0.1", server.port or 5432)
    proxy.start()
    userinfo = f"{server.username}@" if server.username else ""
    through_proxy = f"{server.scheme}://{userinfo}127.0.0.1:{proxy.port}/{database}"
    direct = f"{args.postgres}/{database}"
    table = Table()
    process = None
    try:
        port = free_port()
        env = production_env(through_proxy, port, JWT_REFRESH_REUSE_GRACE_SECONDS=str(REUSE_GRACE_SECONDS))
        process = serve(binary, workdir, env, port, log_path)
        task_env = production_env(direct, port)
        root = console_escalation(table, port, binary, workdir, task_env)
        ending_sessions(table, port, binary, workdir, task_env, root)
        refresh_families(table, port)
        host_header(table, port)
        robustness(table, port, binary, workdir, task_env, root, proxy)
        stop(process)
        process = None
        absolute_lifetime(table, binary, workdir, direct, log_path)
        signing_key(table, binary, workdir, direct)
    finally:
        if process is not None:
            stop(process)
        proxy.cut()
        try:
            psql(admin_url, f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        except subprocess.CalledProcessError:
            pass
        with open(log_path, encoding="utf-8", errors="replace") as log_file:
            server_log = log_file.read()
        shutil.rmtree(workdir, ignore_errors=True)
    table.print()
    panics = server_log.count("panicked")
    if panics:
        print(f"the server log shows {panics} panic(s)")
    failed = table.failed()
    print(f"{len(table.rows) - len(failed)} of {len(table.rows)} attacks answered as expected "
          f"in {time.monotonic() - started:.1f} s")
    sys.exit(1 if failed or panics else 0)


if __name__ == "__main__":
    main()
