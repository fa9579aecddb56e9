#!/usr/bin/env python3
"""Seeds a running server through its public API (stdlib only).

User 1: 1,000 patients, 200 doctors, 500 mappings (2 doctors for each of its
first 250 patients). User 2: 200 patients, 50 doctors, 100 mappings. Every
row is made by the server itself (so search columns, hashes and timestamps
are what production writes). Patient first names cycle through 50 names, so
searching one of them (SEARCH_TERM) matches exactly 20 of user 1's patients;
every 5th doctor is a cardiologist.

Prints a JSON document with the tokens and ids the benchmark needs.
"""
import argparse
import http.client
import json
import secrets
import sys
import threading
from concurrent.futures import ThreadPoolExecutor

FIRST_NAMES = [
    "Quentin", "Abigail", "Bernard", "Camille", "Dmitri", "Eleanor", "Fabian",
    "Gwendolyn", "Horatio", "Imogen", "Jasper", "Katarina", "Leopold", "Marisol",
    "Nikolai", "Ophelia", "Percival", "Rosalind", "Sebastian", "Theodora",
    "Ulysses", "Valentina", "Wilhelm", "Xiomara", "Yannick", "Zenobia", "Ambrose",
    "Beatrix", "Cornelius", "Delphine", "Evander", "Florentina", "Gideon",
    "Henrietta", "Ignatius", "Josephine", "Kasimir", "Lucinda", "Maximilian",
    "Nerissa", "Octavius", "Penelope", "Reginald", "Seraphina", "Tobias",
    "Ursula", "Vivienne", "Winifred", "Xavier", "Yolanda",
]
SEARCH_TERM = "quentin"  # FIRST_NAMES[0], folded: 1,000 / 50 = 20 matches
SPECIALIZATIONS = ["general", "dermatology", "neurology", "pediatrics", "oncology"]
GENDERS = ["M", "F", "O", "N"]
BLOOD = ["A+", "A-", "B+", "B-", "AB+", "AB-", "O+", "O-"]
PASSWORD = "Bench-Load-2024!pw"

_local = threading.local()


def call(host, port, method, path, body=None, token=None, expect=(200, 201)):
    conn = getattr(_local, "conn", None)
    if conn is None:
        conn = _local.conn = http.client.HTTPConnection(host, port, timeout=60)
    headers = {"Content-Type": "application/json", "Host": f"127.0.0.1:{port}"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = json.dumps(body).encode() if body is not None else None
    try:
        conn.request(method, path, body=data, headers=headers)
        resp = conn.getresponse()
        raw = resp.read()
    except (http.client.HTTPException, OSError):
        _local.conn = None
        raise
    if resp.status not in expect:
        raise SystemExit(f"{method} {path}: {resp.status} {raw[:300]!r}")
    return json.loads(raw)


def seed_user(args, pool, tag, n_patients, n_doctors, mapped_patients):
    email = f"bench-{tag}-{secrets.token_hex(4)}@example.com"
    reg = call(args.host, args.port, "POST", "/api/auth/register/", {
        "name": f"Bench User {tag}", "email": email,
        "password": PASSWORD, "confirm_password": PASSWORD,
    })
    token = reg["data"]["tokens"]["access"]

    def patient(i):
        first = FIRST_NAMES[i % len(FIRST_NAMES)]
        return call(args.host, args.port, "POST", "/api/patients/", {
            "first_name": first if tag == "one" else f"Other{first}x",
            "last_name": f"Family{tag}{i:04d}",
            "email": f"patient{i}.{tag}@example.org",
            "phone": f"+1-555-{i:04d}",
            "date_of_birth": f"{1940 + i % 60}-{1 + i % 12:02d}-{1 + i % 28:02d}",
            "gender": GENDERS[i % 4],
            "blood_group": BLOOD[i % 8],
            "allergies": "Penicillin" if i % 3 == 0 else "",
            "medical_history": "Hypertension, managed with diet." if i % 2 else "",
            "city": "Springfield", "state": "IL", "country": "USA",
        }, token)["data"]["id"]

    def doctor(i):
        spec = "cardiology" if i % 5 == 0 else SPECIALIZATIONS[i % len(SPECIALIZATIONS)]
        uid = secrets.token_hex(5)
        return call(args.host, args.port, "POST", "/api/doctors/", {
            "first_name": f"Doc{i}", "last_name": f"Medic{tag}",
            "email": f"dr{i}.{tag}.{uid}@hospital.example",
            "specialization": spec,
            "license_number": f"LIC-{tag}-{i:04d}-{uid}",
            "years_of_experience": i % 40,
            "consultation_fee": f"{100 + i % 200}.50",
            "hospital_name": "General Hospital", "city": "Springfield",
        }, token)["data"]["id"]

    patients = list(pool.map(patient, range(n_patients)))
    doctors = list(pool.map(doctor, range(n_doctors)))
    pairs = []
    for k, pid in enumerate(patients[:mapped_patients]):
        pairs.append((pid, doctors[(2 * k) % len(doctors)], True))
        pairs.append((pid, doctors[(2 * k + 1) % len(doctors)], False))

    def mapping(pair):
        pid, did, primary = pair
        return call(args.host, args.port, "POST", "/api/mappings/", {
            "patient": pid, "doctor": did, "is_primary": primary,
            "notes": "Benchmark assignment",
        }, token)["data"]["id"]

    mappings = list(pool.map(mapping, pairs))
    return {
        "email": email, "password": PASSWORD, "access": token,
        "patients": patients, "doctors": doctors, "mappings": len(mappings),
        "mapped_patients": patients[:mapped_patients],
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    with ThreadPoolExecutor(max_workers=8) as pool:
        one = seed_user(args, pool, "one", 1000, 200, 250)
        two = seed_user(args, pool, "two", 200, 50, 50)
    found = call(args.host, args.port, "GET", f"/api/patients/?search={SEARCH_TERM}",
                 token=one["access"])["count"]
    if found != 20:
        raise SystemExit(f"search {SEARCH_TERM!r} matched {found} patients, not 20")
    json.dump({"one": one, "two": two, "search_term": SEARCH_TERM,
               "search_matches": found}, sys.stdout)


if __name__ == "__main__":
    main()
