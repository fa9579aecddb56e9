{% extends "base.t" %}
{% block title %}A doctor was assigned to one of your patients{% endblock %}
{% block body %}
<h1 style="font-size: 20px;">A doctor was assigned to one of your patients</h1>
<p>Hello {{ name | escape_html }},</p>
<p>A doctor was assigned to one of your patients (patient record
#{{ patient_id }}, assignment #{{ mapping_id }}).</p>
<p><a href="{{ link | escape_html }}">Sign in to see it</a>.</p>
<p>To protect your patients' privacy, this e-mail names neither the patient nor the doctor.</p>
{% endblock %}
