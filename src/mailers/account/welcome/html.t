{% extends "base.t" %}
{% block title %}Welcome to Healthcare Records{% endblock %}
{% block body %}
<h1 style="font-size: 20px;">Welcome, {{ name | escape_html }}</h1>
<p>Your Healthcare Records account for {{ email | escape_html }} is ready.</p>
<p><a href="{{ public_url | escape_html }}">Sign in</a> to manage your patients and their doctors.</p>
<p>If you did not create this account, tell your administrator.</p>
{% endblock %}
