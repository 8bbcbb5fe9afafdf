"""`python manage.py mail_test --to ADDRESS`: send one test mail through the configured backend and say
plainly whether it went, before merchants depend on it. The SMTP password is never printed."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.validators import validate_email

from joorsync.core.checks import UNDELIVERED_BACKENDS
from joorsync.notifications.mails import mail_failure_explained, mail_test_send, mail_transport_described


class Command(BaseCommand):
    help = "Send one test mail through the configured e-mail backend (the EMAIL_* settings)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--to", required=True, metavar="ADDRESS", help="where the test mail goes")

    def handle(self, *args: Any, **options: Any) -> None:
        address = str(options["to"]).strip()
        try:
            validate_email(address)
        except ValidationError as exc:
            raise CommandError(f"--to {address!r} is not an e-mail address") from exc
        self.stdout.write("Sending a test mail with:")
        for line in mail_transport_described():
            self.stdout.write(f"  {line}")
        try:
            mail_test_send(to=address)
        except Exception as exc:  # whatever the backend raised: its words, not a traceback
            raise CommandError(
                f"FAILED: the test mail to {address} was not sent: {mail_failure_explained(exc)}"
            ) from None
        if str(settings.EMAIL_BACKEND) in UNDELIVERED_BACKENDS:
            self.stdout.write(
                self.style.WARNING(
                    f"NOT DELIVERED: {settings.EMAIL_BACKEND} prints, keeps or drops mails instead of "
                    "sending them, so nothing reaches an inbox. Set EMAIL_BACKEND to "
                    "django.core.mail.backends.smtp.EmailBackend and the EMAIL_* settings."
                )
            )
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"OK: the test mail to {address} was accepted for delivery; check that inbox (and its spam folder)."
            )
        )
