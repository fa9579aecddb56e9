#!/usr/bin/env python3
"""Black-box walk over HTTP: every endpoint, two users, one server.

Starts the release binary (production environment) on the given database,
walks the whole API as two users would, and checks that every response is in
the contract's envelope and that no response is a 5xx. Python standard
library only.

    python3 examples/blackbox_walk.py --binary target/release/healthcare_backend-cli \
        --database-url sqlite:///tmp/walk.sqlite?mode=rwc

Prints one line per request and closes with "N passed, N failed".
"""
import argparse
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid

PASSWORD = "SecurePass123!"


class Walk:
    def __init__(self, base):
        self.base = base
        self.passed = 0
        self.failed = 0
        # Every secret and patient value sent or received: none may be logged.
        self.sensitive = {PASSWORD, "Wrong-password-1", "wrong-password"}

    def call(self, method, path, body=None, token=None, raw=None, content_type="application/json",
             expect=None, shape="envelope"):
        headers = {}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = content_type
        if raw is not None:
            data = raw
            headers["Content-Type"] = content_type
        if token:
            headers["Authorization"] = f"Bearer {token}"
            self.sensitive.add(token)
        request = urllib.request.Request(self.base + path, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                status, payload = response.status, response.read()
        except urllib.error.HTTPError as error:
            status, payload = error.code, error.read()
        problems = []
        try:
            parsed = json.loads(payload)
        except ValueError:
            parsed = None
            problems.append("body is not JSON")
        if status >= 500:
            problems.append("5xx")
        if expect is not None and status != expect:
            problems.append(f"expected {expect}")
        if parsed is not None:
            problems += check_shape(parsed, status, shape)
        remember_tokens(parsed, self.sensitive)
        label = f"{method} {path} -> {status}"
        if problems:
            self.failed += 1
            print(f"FAIL {label}: {', '.join(problems)}: {payload[:300]!r}")
        else:
            self.passed += 1
            print(f"ok   {label}")
        return status, parsed


def remember_tokens(value, sensitive):
    if isinstance(value, dict):
        for key, item in value.items():
            if key in ("access", "refresh") and isinstance(item, str):
                sensitive.add(item)
            remember_tokens(item, sensitive)
    elif isinstance(value, list):
        for item in value:
            remember_tokens(item, sensitive)


def check_shape(body, status, shape):
    if not isinstance(body, dict):
        return ["body is not an object"]
    problems = []
    if status >= 400:
        if body.get("success") is not False:
            problems.append("error without success=false")
        if not isinstance(body.get("message"), str) or not body["message"]:
            problems.append("error without a message")
        errors = body.get("errors")
        if not isinstance(errors, dict) or not errors:
            problems.append("error without errors{}")
        elif not all(isinstance(v, list) and all(isinstance(m, str) for m in v) for v in errors.values()):
            problems.append("errors values are not lists of strings")
        return problems
    if body.get("success") is not True or not isinstance(body.get("message"), str):
        problems.append("success envelope missing success/message")
    if shape == "list":
        for key in ("count", "page", "page_size", "next", "previous", "data"):
            if key not in body:
                problems.append(f"list envelope without {key}")
        if not isinstance(body.get("data"), list):
            problems.append("list data is not a list")
    elif shape == "patient_doctors":
        for key in ("patient", "count", "data"):
            if key not in body:
                problems.append(f"missing {key}")
    elif "data" not in body:
        problems.append("success envelope without data")
    return problems


def walk(w):
    users = []
    for name in ("Alice Walker", "Bob Builder"):
        email = f"{name.split()[0].lower()}-{uuid.uuid4().hex[:8]}@example.com"
        _, body = w.call("POST", "/api/auth/register/", {
            "name": name, "email": email, "password": PASSWORD, "confirm_password": PASSWORD}, expect=201)
        _, login = w.call("POST", "/api/auth/login/", {"email": email, "password": PASSWORD}, expect=200)
        users.append({"email": email, "access": login["data"]["tokens"]["access"],
                      "refresh": login["data"]["tokens"]["refresh"]})
    alice, bob = users

    # Auth edges.
    w.call("POST", "/api/auth/register/", {"name": "", "email": "x", "password": "1", "confirm_password": "2"},
           expect=400)
    w.call("POST", "/api/auth/login/", {"email": alice["email"], "password": "wrong-password"}, expect=401)
    w.call("GET", "/api/auth/me/", token=alice["access"], expect=200)
    w.call("GET", "/api/auth/me", token=alice["access"], expect=200)
    w.call("GET", "/api/auth/me/", expect=401)
    w.call("GET", "/api/auth/me/", token="garbage", expect=401)

    # Patients.
    patient = {
        "first_name": "John", "last_name": "Doe", "email": "john.doe@email.com", "phone": "555-1234",
        "date_of_birth": "1985-06-15", "gender": "M", "blood_group": "O+", "allergies": "Penicillin",
        "medical_history": "Hypertension diagnosed 2020", "current_medications": "Lisinopril 10mg",
        "emergency_contact_name": "Jane Doe", "emergency_contact_phone": "555-5678",
        "address": "123 Main St", "city": "Chicago", "state": "IL", "country": "USA"}
    w.sensitive.update(v for k, v in patient.items() if k not in ("gender", "blood_group", "state", "country"))
    w.sensitive.add("Zoë")
    _, created = w.call("POST", "/api/patients/", patient, token=alice["access"], expect=201)
    pid = created["data"]["id"]
    _, other = w.call("POST", "/api/patients/", dict(patient, first_name="Zoë"), token=bob["access"], expect=201)
    bob_pid = other["data"]["id"]
    w.call("POST", "/api/patients/", {"first_name": 1, "date_of_birth": "3000-01-01"}, token=alice["access"],
           expect=400)
    w.call("GET", "/api/patients/", token=alice["access"], expect=200, shape="list")
    w.call("GET", "/api/patients/?search=JOHN&gender=M&page_size=5", token=alice["access"], expect=200,
           shape="list")
    w.sensitive.add("JOHN")
    w.call("GET", "/api/patients/?page=0", token=alice["access"], expect=400)
    w.call("GET", "/api/patients/?gender=X", token=alice["access"], expect=400)
    w.call("GET", f"/api/patients/{pid}/", token=alice["access"], expect=200)
    w.call("GET", f"/api/patients/{bob_pid}/", token=alice["access"], expect=404)
    w.call("PUT", f"/api/patients/{pid}/", dict(patient, city="Boston"), token=alice["access"], expect=200)
    w.call("PATCH", f"/api/patients/{pid}/", {"phone": "555-0000"}, token=alice["access"], expect=200)
    w.call("PATCH", f"/api/patients/{bob_pid}/", {"phone": "555-0000"}, token=alice["access"], expect=404)
    w.call("PATCH", f"/api/patients/{pid}/", raw=b"phone=1", content_type="text/plain",
           token=alice["access"], expect=415)
    w.call("PATCH", f"/api/patients/{pid}/", raw=b"{bad", token=alice["access"], expect=400)
    w.call("POST", "/api/patients/", raw=b'{"a":"' + b"x" * (1024 * 1024 + 10) + b'"}',
           token=alice["access"], expect=413)

    # Doctors.
    unique = uuid.uuid4().hex[:10]
    doctor = {
        "first_name": "Emily", "last_name": "Chen", "email": f"dr.emily.{unique}@hospital.com",
        "phone": "555-9876", "specialization": "neurology", "license_number": f"LIC-{unique}",
        "years_of_experience": 15, "qualification": "MD, PhD Neuroscience",
        "bio": "Board-certified neurologist.", "consultation_fee": "250.00", "is_available": True,
        "hospital_name": "City Medical Center", "city": "San Francisco", "state": "CA", "country": "USA"}
    _, created = w.call("POST", "/api/doctors/", doctor, token=alice["access"], expect=201)
    did = created["data"]["id"]
    w.call("POST", "/api/doctors/", doctor, token=bob["access"], expect=400)
    w.call("GET", "/api/doctors/", token=bob["access"], expect=200, shape="list")
    w.call("GET", "/api/doctors/?specialization=neurology&is_available=true&city=san%20francisco",
           token=bob["access"], expect=200, shape="list")
    w.call("GET", "/api/doctors/?is_available=maybe", token=bob["access"], expect=400)
    w.call("GET", f"/api/doctors/{did}/", token=bob["access"], expect=200)
    w.call("PATCH", f"/api/doctors/{did}/", {"bio": "x"}, token=bob["access"], expect=403)
    w.call("PUT", f"/api/doctors/{did}/", dict(doctor, years_of_experience=16), token=alice["access"],
           expect=200)
    w.call("PATCH", f"/api/doctors/{did}/", {"consultation_fee": "300.5"}, token=alice["access"], expect=200)

    # Mappings.
    _, mapping = w.call("POST", "/api/mappings/", {"patient": pid, "doctor": did, "is_primary": True,
                                                   "notes": "Referred"}, token=alice["access"], expect=201)
    mid = mapping["data"]["id"]
    w.call("POST", "/api/mappings/", {"patient": pid, "doctor": did}, token=alice["access"], expect=400)
    w.call("POST", "/api/mappings/", {"patient": bob_pid, "doctor": did}, token=alice["access"], expect=400)
    w.call("GET", "/api/mappings/", token=alice["access"], expect=200, shape="list")
    w.call("GET", f"/api/mappings/?patient_id={pid}&is_primary=true", token=alice["access"], expect=200,
           shape="list")
    w.call("GET", f"/api/mappings/{pid}/", token=alice["access"], expect=200, shape="patient_doctors")
    w.call("GET", f"/api/mappings/{pid}/", token=bob["access"], expect=404)
    w.call("GET", f"/api/mappings/detail/{mid}/", token=alice["access"], expect=200)
    w.call("GET", f"/api/mappings/detail/{mid}/", token=bob["access"], expect=404)
    w.call("PATCH", f"/api/mappings/detail/{mid}/", {"notes": "Updated"}, token=alice["access"], expect=200)
    w.call("PUT", f"/api/mappings/detail/{mid}/", {"notes": "x"}, token=alice["access"], expect=405)
    w.call("DELETE", f"/api/mappings/detail/{mid}/", token=bob["access"], expect=404)
    w.call("DELETE", f"/api/mappings/detail/{mid}/", token=alice["access"], expect=200)

    # Unknown paths, methods; deletes; token refresh and logout last.
    w.call("GET", "/api/nothing-here/", token=alice["access"], expect=404)
    w.call("DELETE", "/api/auth/me/", token=alice["access"], expect=405)
    w.call("DELETE", f"/api/doctors/{did}/", token=bob["access"], expect=403)
    w.call("DELETE", f"/api/doctors/{did}/", token=alice["access"], expect=200)
    w.call("DELETE", f"/api/patients/{pid}/", token=alice["access"], expect=200)
    _, refreshed = w.call("POST", "/api/auth/token/refresh/", {"refresh": alice["refresh"]}, expect=200)
    w.call("POST", "/api/auth/token/refresh/", {"refresh": alice["refresh"]}, expect=401)
    w.call("POST", "/api/auth/logout/", {"refresh": refreshed["data"]["refresh"]}, token=bob["access"],
           expect=400)
    w.call("POST", "/api/auth/logout/", {"refresh": refreshed["data"]["refresh"]},
           token=refreshed["data"]["access"], expect=200)
    w.call("GET", "/api/auth/me/", token=refreshed["data"]["access"], expect=401)


def check_log(w, log_path, secret_key):
    """The server's log after the walk: one structured line per request, and
    no patient value, password, token, secret or Authorization header."""
    text = open(log_path, encoding="utf-8", errors="replace").read()
    lines = [json.loads(line) for line in text.splitlines() if line.startswith("{")]
    requests = [line["fields"] for line in lines if line.get("fields", {}).get("message") == "request"
                and not line["fields"].get("route", "").startswith("/api/health")]
    results = []
    results.append((len(requests) == w.passed + w.failed,
                    f"one log line per request ({len(requests)} lines, {w.passed + w.failed} requests)"))
    fields = {"request_id", "method", "route", "status", "latency_ms"}
    results.append((all(fields <= set(r) for r in requests), "each line has request_id, method, route, status, latency"))
    results.append((any(r.get("user_id") for r in requests), "authenticated requests carry user_id"))
    results.append((not any(re.search(r"/\d+(/|$)", r.get("route", "")) for r in requests)
                    and any("{id}" in r.get("route", "") for r in requests),
                    "routes are templates (/api/patients/{id}), never raw ids"))
    results.append((all("?" not in r.get("route", "") for r in requests), "no query strings in routes"))
    leaked = sorted(v for v in w.sensitive | {secret_key, "Bearer", "authorization", "Authorization"}
                    if v and len(v) >= 3 and v in text)
    results.append((not leaked, f"no patient data, password, token or secret in the log: {leaked[:5]}"))
    for ok, label in results:
        if ok:
            w.passed += 1
            print(f"ok   log: {label}")
        else:
            w.failed += 1
            print(f"FAIL log: {label}")


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--binary", default="target/release/healthcare_backend-cli")
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--base-url", help="walk a server that is already running instead")
    parser.add_argument("--log-file", help="keep the server's log here (default: a temporary file)")
    args = parser.parse_args()

    server = None
    base = args.base_url
    secret_key = "blackbox-" + uuid.uuid4().hex
    log_path = args.log_file or os.path.join(tempfile.mkdtemp(), "server.log")
    if base is None:
        port = free_port()
        env = dict(os.environ, LOCO_ENV="production", PORT=str(port), DATABASE_URL=args.database_url,
                   SECRET_KEY=secret_key, DEBUG="False", THROTTLE_ENABLED="false")
        log = open(log_path, "wb")
        server = subprocess.Popen([args.binary, "start"], env=env, stdout=log, stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}"
        deadline = time.time() + 60
        while True:
            try:
                urllib.request.urlopen(base + "/api/health/live/", timeout=2)
                break
            except urllib.error.HTTPError:
                break  # the server answers
            except OSError:
                if server.poll() is not None or time.time() > deadline:
                    print("server did not start", file=sys.stderr)
                    sys.exit(1)
                time.sleep(0.2)
    w = Walk(base)
    try:
        walk(w)
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
    if server is not None:
        check_log(w, log_path, secret_key)
    print(f"{w.passed} passed, {w.failed} failed")
    sys.exit(1 if w.failed else 0)


if __name__ == "__main__":
    main()
