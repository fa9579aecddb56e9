#!/usr/bin/env python3
"""Walks the seed README's Postman steps with a Python client generated from
/api/openapi.json by openapi-python-client (tests/client/run.sh generates it
into target/client and runs this script against a live server).

    PYTHONPATH=target/client python3 examples/generated_client_walk.py --base-url http://127.0.0.1:8000

Every call goes through the generated functions and models: register, login,
the bearer token, create patient, create doctor, assign, the patient's doctors,
then the lists, a patch, token rotation and logout. Each answer's status and
parsed model are checked; any surprise exits non-zero.
"""
import argparse
import sys
import uuid

from healthcare_client import AuthenticatedClient, Client
from healthcare_client.api.auth import login, logout, me, refresh_token, register
from healthcare_client.api.doctors import create_doctor, list_doctors
from healthcare_client.api.mappings import create_mapping, list_mappings, patient_doctors
from healthcare_client.api.patients import create_patient, get_patient, list_patients, patch_patient
from healthcare_client.models import (
    DoctorWrite,
    ListMappingsIsPrimary,
    LoginRequest,
    MappingCreate,
    PatientPatch,
    PatientWrite,
    RefreshRequest,
    RegisterRequest,
    Specialization,
)

STEPS = []


def check(step, response, status):
    if response.status_code != status:
        sys.exit(f"{step}: expected {status}, got {response.status_code}: {response.content[:500]!r}")
    STEPS.append(step)
    print(f"ok  {status}  {step}")
    return response.parsed


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base-url", default="http://127.0.0.1:8000")
    base = parser.parse_args().base_url
    unique = uuid.uuid4().hex[:10]
    email = f"alice-{unique}@hospital.com"
    password = "SecurePass123!"
    public = Client(base_url=base, raise_on_unexpected_status=True)

    # 1. Register, 2. Login (the seed's bodies, with a fresh e-mail).
    registered = check("register", register.sync_detailed(client=public, body=RegisterRequest(
        name="Dr. Alice Johnson", email=email, password=password, confirm_password=password)), 201)
    assert registered.data.user.email == email
    session = check("login", login.sync_detailed(
        client=public, body=LoginRequest(email=email, password=password)), 200)
    assert session.data.user.id == registered.data.user.id

    # 3. The access token as the Bearer token of every later call.
    client = AuthenticatedClient(base_url=base, token=session.data.tokens.access,
                                 raise_on_unexpected_status=True)
    profile = check("me", me.sync_detailed(client=client), 200)
    assert profile.data.email == email

    # 4. Create patient (the seed's body).
    patient = check("create patient", create_patient.sync_detailed(client=client, body=PatientWrite.from_dict({
        "first_name": "John", "last_name": "Doe", "email": "john.doe@email.com", "phone": "555-1234",
        "date_of_birth": "1985-06-15", "gender": "M", "blood_group": "O+", "allergies": "Penicillin",
        "medical_history": "Hypertension diagnosed 2020", "current_medications": "Lisinopril 10mg",
        "emergency_contact_name": "Jane Doe", "emergency_contact_phone": "555-5678",
        "address": "123 Main St", "city": "Chicago", "state": "IL", "country": "USA"})), 201).data
    assert patient.full_name == "John Doe" and patient.age >= 38

    # 5. Create doctor (the seed's body, with a fresh e-mail and licence).
    doctor = check("create doctor", create_doctor.sync_detailed(client=client, body=DoctorWrite.from_dict({
        "first_name": "Emily", "last_name": "Chen", "email": f"dr.emily-{unique}@hospital.com",
        "phone": "555-9876", "specialization": "neurology", "license_number": f"LIC-{unique}",
        "years_of_experience": 15, "qualification": "MD, PhD Neuroscience",
        "bio": "Board-certified neurologist specializing in epilepsy treatment.",
        "consultation_fee": "250.00", "is_available": True, "hospital_name": "City Medical Center",
        "city": "San Francisco", "state": "CA", "country": "USA"})), 201).data
    assert doctor.display_name == "Dr. Emily Chen" and doctor.consultation_fee == "250.00"
    assert doctor.specialization == Specialization.NEUROLOGY

    # 6. Assign the doctor to the patient.
    mapping = check("assign doctor", create_mapping.sync_detailed(client=client, body=MappingCreate(
        patient=patient.id, doctor=doctor.id, is_primary=True, notes="Referred for evaluation")), 201).data
    assert mapping.doctor_detail.display_name == "Dr. Emily Chen"

    # 7. The patient's doctors.
    doctors = check("patient's doctors", patient_doctors.sync_detailed(patient.id, client=client), 200)
    assert doctors.count == 1 and doctors.data[0].id == mapping.id
    assert doctors.patient.full_name == "John Doe"

    # Beyond the seed's steps: lists, read, patch, rotation, logout.
    page = check("list patients", list_patients.sync_detailed(client=client, search="doe"), 200)
    assert page.count == 1 and page.data[0].id == patient.id
    page = check("list doctors", list_doctors.sync_detailed(client=client, search="emily", page_size=5), 200)
    assert any(item.id == doctor.id for item in page.data)
    page = check("list mappings", list_mappings.sync_detailed(client=client, is_primary=ListMappingsIsPrimary.TRUE), 200)
    assert [item.id for item in page.data] == [mapping.id]
    check("read patient", get_patient.sync_detailed(patient.id, client=client), 200)
    patched = check("patch patient", patch_patient.sync_detailed(
        patient.id, client=client, body=PatientPatch(phone="555-0000")), 200).data
    assert patched.phone == "555-0000"
    rotated = check("refresh tokens", refresh_token.sync_detailed(
        client=public, body=RefreshRequest(refresh=session.data.tokens.refresh)), 200).data
    client = AuthenticatedClient(base_url=base, token=rotated.access)
    check("logout", logout.sync_detailed(client=client, body=RefreshRequest(refresh=rotated.refresh)), 200)
    check("revoked token refused", me.sync_detailed(client=client), 401)
    print(f"{len(STEPS)} passed, 0 failed")


if __name__ == "__main__":
    main()
