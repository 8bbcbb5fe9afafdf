"""Rendering and sending one mail: plain text with a simple HTML alternative, from the templates in
`templates/notifications/`, to the one recipient of the shop's settings."""

from __future__ import annotations

import logging
from typing import Any

from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

from joorsync.notifications.content import app_url, subject_line

logger = logging.getLogger(__name__)


def mail_send(*, to: str, subject: str, template: str, context: dict[str, Any]) -> None:
    """Render `notifications/<template>.txt` and `.html` and send them; raises what the mail backend
    raises (the caller decides what a failure means)."""
    full = {"settings_url": app_url("settings") + "#notifications", **context}
    text = render_to_string(f"notifications/{template}.txt", full)
    html = render_to_string(f"notifications/{template}.html", full)
    message = EmailMultiAlternatives(subject=subject_line(subject), body=text, to=[to])
    message.attach_alternative(html, "text/html")
    message.send(fail_silently=False)
    logger.info("mailed %r (%s) for %s", message.subject, template, context.get("shop_domain", "?"))
