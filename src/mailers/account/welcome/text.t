Hello {{ name }},

Your Healthcare Records account for {{ email }} is ready.
Sign in at {{ public_url }} to manage your patients and their doctors.

If you did not create this account, tell your administrator.
