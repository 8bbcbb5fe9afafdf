"""Rendering and sending one mail: plain text with a simple HTML alternative, from the templates in
`templates/notifications/`, to the one recipient of the shop's settings; and the test mail that
`manage.py mail_test` sends to try the configured backend."""

from __future__ import annotations

import logging
import smtplib
import ssl
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import timezone

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


# -- trying the configured mail backend ---------------------------------------------------------


def mail_transport_described() -> list[str]:
    """How mails leave this deployment, in lines a person checks against the mail provider's
    instructions; the password only as set or not, never its value."""
    backend = str(settings.EMAIL_BACKEND)
    lines = [f"backend: {backend}", f"from: {settings.DEFAULT_FROM_EMAIL}"]
    if backend.endswith(".smtp.EmailBackend"):
        security = "SSL" if settings.EMAIL_USE_SSL else "STARTTLS" if settings.EMAIL_USE_TLS else "none"
        if settings.EMAIL_USE_SSL and settings.EMAIL_USE_TLS:
            security = "both TLS and SSL (invalid: choose one)"
        lines += [
            f"server: {settings.EMAIL_HOST or '(none)'}:{settings.EMAIL_PORT}",
            f"encryption: {security}",
            f"user: {settings.EMAIL_HOST_USER or '(none)'}",
            f"password: {'set' if settings.EMAIL_HOST_PASSWORD else 'not set'}",
            f"timeout: {settings.EMAIL_TIMEOUT if settings.EMAIL_TIMEOUT else 'none'} s",
        ]
    return lines


def mail_failure_explained(exc: BaseException) -> str:
    """Why a test mail did not go, with a hint where the cause is recognisable; the SMTP password
    never appears, even where the server or library quoted it."""
    text = f"{type(exc).__name__}: {exc}"
    password = str(settings.EMAIL_HOST_PASSWORD or "")
    if password:
        text = text.replace(password, "***")
    hint = ""
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        hint = "the server refused the sign-in: check EMAIL_HOST_USER and EMAIL_HOST_PASSWORD"
    elif isinstance(exc, smtplib.SMTPRecipientsRefused | smtplib.SMTPSenderRefused):
        hint = "the server refused an address: check DEFAULT_FROM_EMAIL and the recipient"
    elif isinstance(exc, ssl.SSLError | smtplib.SMTPServerDisconnected):
        hint = (
            "the secure connection failed or the server hung up: check that the encryption fits the "
            "port (usually EMAIL_USE_TLS for 587, EMAIL_USE_SSL for 465)"
        )
    elif isinstance(exc, TimeoutError):
        hint = "the server did not answer in time: check EMAIL_HOST, EMAIL_PORT and the firewall"
    elif isinstance(exc, OSError):
        hint = "the server could not be reached: check EMAIL_HOST and EMAIL_PORT"
    return f"{text} ({hint})" if hint else text


def mail_test_send(*, to: str) -> None:
    """Send one test mail to `to` through the configured backend, as notifications are sent; raises
    what the backend raises."""
    context = {
        "backend": str(settings.EMAIL_BACKEND),
        "sent_at": timezone.now().strftime("%Y-%m-%d %H:%M %Z"),
    }
    text = render_to_string("notifications/mail_test.txt", context)
    html = render_to_string("notifications/mail_test.html", context)
    message = EmailMultiAlternatives(subject=subject_line("joorsync test mail"), body=text, to=[to])
    message.attach_alternative(html, "text/html")
    message.send(fail_silently=False)
    logger.info("sent a test mail through %s", context["backend"])
