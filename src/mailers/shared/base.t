<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{% block title %}Healthcare Records{% endblock %}</title>
</head>
<body style="font-family: Arial, Helvetica, sans-serif; color: #1f2933; line-height: 1.5;">
<div style="max-width: 560px; margin: 0 auto; padding: 24px;">
{% block body %}{% endblock %}
<p style="color: #6b7280; font-size: 12px;">Healthcare Records. This is an automated message;
replies are not read.</p>
</div>
</body>
</html>
