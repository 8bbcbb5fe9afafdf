"""`manage.py mail_test --to ADDRESS`: one test mail through the configured backend, a clear verdict,
and never the SMTP password."""

from __future__ import annotations

import smtplib
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError

PASSWORD = "s3cret-smtp-pass"  # a fake credential


@pytest.fixture
def locmem(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.EMAIL_HOST_PASSWORD = PASSWORD
    settings.DEFAULT_FROM_EMAIL = "joorsync <alerts@brand.example>"
    mail.outbox = []
    return settings


def _run(*args: str) -> str:
    out = StringIO()
    call_command("mail_test", *args, stdout=out)
    return out.getvalue()


def test_one_test_mail_goes_through_the_configured_backend(locmem):
    output = _run("--to", "ops@brand.example")
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == ["ops@brand.example"] and sent.from_email == "joorsync <alerts@brand.example>"
    assert sent.subject == "joorsync test mail"
    assert "test mail from joorsync" in sent.body
    assert sent.alternatives and sent.alternatives[0][1] == "text/html"
    assert "backend: django.core.mail.backends.locmem.EmailBackend" in output
    # locmem keeps mails in memory: the command says nothing reached an inbox.
    assert "NOT DELIVERED" in output and "OK:" not in output
    assert PASSWORD not in output


def test_smtp_settings_are_described_without_the_password(locmem, monkeypatch):
    locmem.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    locmem.EMAIL_HOST, locmem.EMAIL_PORT, locmem.EMAIL_USE_TLS = "smtp.example.com", 587, True
    locmem.EMAIL_HOST_USER = "mailer"
    sent: list[str] = []

    class FakeSMTP:
        """Stands for the provider's server: accepts the sign-in and the mail."""

        def __init__(self, host: str, port: int, **kwargs: object) -> None:
            assert (host, port) == ("smtp.example.com", 587)

        def ehlo(self) -> None: ...

        def starttls(self, **kwargs: object) -> None: ...

        def login(self, user: str, password: str) -> None:
            assert (user, password) == ("mailer", PASSWORD)

        def sendmail(self, from_addr: str, to_addrs: list[str], msg: bytes) -> dict:
            sent.extend(to_addrs)
            return {}

        def quit(self) -> None: ...

        def close(self) -> None: ...

    monkeypatch.setattr(smtplib, "SMTP", FakeSMTP)
    output = _run("--to", "ops@brand.example")
    assert sent == ["ops@brand.example"]
    assert "server: smtp.example.com:587" in output and "encryption: STARTTLS" in output
    assert "user: mailer" in output and "password: set" in output
    assert "OK: the test mail to ops@brand.example was accepted" in output
    assert PASSWORD not in output


def test_a_refused_sign_in_fails_clearly_and_hides_the_password(locmem, monkeypatch):
    def refuse(self, messages):
        # Some servers quote what they were sent: the password must still not be printed.
        raise smtplib.SMTPAuthenticationError(535, f"5.7.8 bad credentials for mailer/{PASSWORD}".encode())

    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", refuse)
    out = StringIO()
    with pytest.raises(CommandError) as info:
        call_command("mail_test", "--to", "ops@brand.example", stdout=out)
    message = str(info.value)
    assert message.startswith("FAILED: the test mail to ops@brand.example was not sent")
    assert "SMTPAuthenticationError" in message and "EMAIL_HOST_PASSWORD" in message
    assert PASSWORD not in message + out.getvalue() and "***" in message
    assert mail.outbox == []


def test_an_unreachable_server_names_host_and_port(locmem, monkeypatch):
    def refuse(self, messages):
        raise ConnectionRefusedError(111, "Connection refused")

    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", refuse)
    with pytest.raises(CommandError, match="check EMAIL_HOST and EMAIL_PORT"):
        _run("--to", "ops@brand.example")


def test_an_address_that_is_not_one_is_refused_before_sending(locmem):
    with pytest.raises(CommandError, match="is not an e-mail address"):
        _run("--to", "not-an-address")
    assert mail.outbox == []
