#!/usr/bin/env python3
"""Counts the SQL statements each endpoint runs: calls every endpoint once,
one at a time, and counts the lines PostgreSQL logs for the scratch database
in between (the database must have `log_statement = 'all'` for sessions the
server opened after it was set). Prints one JSON record a line."""
import argparse
import http.client
import json
import os
import re
import secrets
import time

parser = argparse.ArgumentParser(description=__doc__)
parser.add_argument("--port", type=int, required=True)
parser.add_argument("--db", required=True)
parser.add_argument("--log", required=True)
parser.add_argument("--token", required=True)
parser.add_argument("--email", required=True)
parser.add_argument("--password", required=True)
args = parser.parse_args()

LINE = re.compile(r"@" + re.escape(args.db) + r" LOG:  (?:statement|execute [^:]*): (.*)")
conn = http.client.HTTPConnection("127.0.0.1", args.port, timeout=30)


def settle(size):
    """Waits until the log stops growing, returns its size."""
    while True:
        time.sleep(0.25)
        now = os.path.getsize(args.log)
        if now == size:
            return now
        size = now


def call(label, method, path, body=None, token=None):
    start = settle(os.path.getsize(args.log))
    headers = {"Content-Type": "application/json", "Host": f"127.0.0.1:{args.port}"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    conn.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
    resp = conn.getresponse()
    data = json.loads(resp.read() or b"null")
    end = settle(os.path.getsize(args.log))
    with open(args.log, "rb") as f:
        f.seek(start)
        text = f.read(end - start).decode("utf-8", "replace")
    statements = [m.group(1) for m in map(LINE.search, text.splitlines()) if m]
    tx = sum(1 for s in statements if s.strip().upper() in ("BEGIN", "COMMIT", "ROLLBACK"))
    print(json.dumps({"kind": "queries", "label": f"{method} {label}", "status": resp.status,
                      "statements": len(statements), "tx": tx}), flush=True)
    return data


T = args.token
call("/api/health/live/", "GET", "/api/health/live/")
call("/api/health/ready/", "GET", "/api/health/ready/")
email = f"count-{secrets.token_hex(4)}@example.com"
reg = call("/api/auth/register/", "POST", "/api/auth/register/",
           {"name": "Count Me", "email": email, "password": "Bench-Load-2024!pw",
            "confirm_password": "Bench-Load-2024!pw"})
call("/api/auth/login/", "POST", "/api/auth/login/", {"email": args.email, "password": args.password})
call("/api/auth/login/ (wrong password)", "POST", "/api/auth/login/",
     {"email": args.email, "password": "not-the-password"})
pair = call("/api/auth/token/refresh/", "POST", "/api/auth/token/refresh/",
            {"refresh": reg["data"]["tokens"]["refresh"]})["data"]
call("/api/auth/me/", "GET", "/api/auth/me/", token=T)
call("/api/auth/me/ (no token)", "GET", "/api/auth/me/")
call("/api/patients/", "GET", "/api/patients/", token=T)
call("/api/patients/?search=quentin", "GET", "/api/patients/?search=quentin", token=T)
patient = {"first_name": "Count", "last_name": "Queries", "date_of_birth": "1970-01-01", "gender": "M"}
pid = call("/api/patients/", "POST", "/api/patients/", patient, token=T)["data"]["id"]
call("/api/patients/<id>/", "GET", f"/api/patients/{pid}/", token=T)
call("/api/patients/<id>/ (not found)", "GET", "/api/patients/999999999/", token=T)
call("/api/patients/<id>/", "PUT", f"/api/patients/{pid}/", patient, token=T)
call("/api/patients/<id>/", "PATCH", f"/api/patients/{pid}/", {"city": "Shelbyville"}, token=T)
call("/api/doctors/?specialization=cardiology", "GET", "/api/doctors/?specialization=cardiology", token=T)
uid = secrets.token_hex(4)
doctor = {"first_name": "Count", "last_name": "Queries", "email": f"count.{uid}@hospital.example",
          "specialization": "neurology", "license_number": f"LIC-COUNT-{uid}"}
did = call("/api/doctors/", "POST", "/api/doctors/", doctor, token=T)["data"]["id"]
call("/api/doctors/<id>/", "GET", f"/api/doctors/{did}/", token=T)
call("/api/doctors/<id>/", "PUT", f"/api/doctors/{did}/", doctor, token=T)
call("/api/doctors/<id>/", "PATCH", f"/api/doctors/{did}/", {"city": "Shelbyville"}, token=T)
call("/api/mappings/", "GET", "/api/mappings/", token=T)
mid = call("/api/mappings/", "POST", "/api/mappings/",
           {"patient": pid, "doctor": did, "is_primary": True, "notes": "count"}, token=T)["data"]["id"]
call("/api/mappings/<patient_id>/", "GET", f"/api/mappings/{pid}/", token=T)
call("/api/mappings/detail/<id>/", "GET", f"/api/mappings/detail/{mid}/", token=T)
call("/api/mappings/detail/<id>/", "PATCH", f"/api/mappings/detail/{mid}/", {"notes": "again"}, token=T)
call("/api/mappings/detail/<id>/", "DELETE", f"/api/mappings/detail/{mid}/", token=T)
call("/api/doctors/<id>/", "DELETE", f"/api/doctors/{did}/", token=T)
call("/api/patients/<id>/", "DELETE", f"/api/patients/{pid}/", token=T)
call("/api/auth/logout/", "POST", "/api/auth/logout/", {"refresh": pair["refresh"]}, token=pair["access"])
