Hello {{ name }},

A doctor was assigned to one of your patients
(patient record #{{ patient_id }}, assignment #{{ mapping_id }}).
Sign in to see it: {{ link }}

To protect your patients' privacy, this e-mail names neither the
patient nor the doctor.
