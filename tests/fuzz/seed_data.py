#!/usr/bin/env python3
"""Prepares a fresh server for the fuzzer: registers the fuzz user and gives it
a patient and three doctors, so that the seed's examples (patient 1, doctor 3)
and the id-based operations reach real records. Standard library only.

Usage: seed_data.py BASE_URL EMAIL PASSWORD
"""
import json
import sys
import urllib.request


def call(base, method, path, body=None, token=None):
    request = urllib.request.Request(base + path, method=method,
                                     data=json.dumps(body).encode() if body is not None else None)
    request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)


def main():
    base, email, password = sys.argv[1:4]
    registered = call(base, "POST", "/api/auth/register/", {
        "name": "Fuzz Runner", "email": email, "password": password, "confirm_password": password})
    token = registered["data"]["tokens"]["access"]
    patient = call(base, "POST", "/api/patients/", {
        "first_name": "Fuzz", "last_name": "Patient", "date_of_birth": "1980-01-01", "gender": "F"},
        token)
    assert patient["data"]["id"] == 1, patient
    for n in range(1, 4):
        doctor = call(base, "POST", "/api/doctors/", {
            "first_name": "Fuzz", "last_name": f"Doctor{n}", "email": f"fuzz.doctor{n}@example.com",
            "specialization": "general", "license_number": f"FUZZ-{n}"}, token)
        assert doctor["data"]["id"] == n, doctor
    print("seeded: user, patient 1, doctors 1-3")


if __name__ == "__main__":
    main()
