"""`manage.py joor_connect`: connect a shop to its JOOR account (credentials checked, stored encrypted).

The secrets come from JOOR_TOKEN (v2), JOOR_CLIENT_SECRET and JOOR_PASSWORD (v4) in the environment, or
as NAME=value lines on standard input with `--stdin`; never from the command line, which every user of
the machine can read.
"""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from joorsync.core.command_secrets import (
    STDIN_HELP,
    retired_secret_options_add,
    retired_secret_options_refuse,
    secrets_read,
)
from joorsync.core.text import strip_controls
from joorsync.sync.accounts import JoorAccountInvalid, JoorConnectionError, joor_account_connect
from shopify_app.models import Shop

SECRETS = {"v2": ("JOOR_TOKEN",), "v4": ("JOOR_CLIENT_SECRET", "JOOR_PASSWORD")}
RETIRED = {"--token": "JOOR_TOKEN", "--client-secret": "JOOR_CLIENT_SECRET", "--password": "JOOR_PASSWORD"}


class Command(BaseCommand):
    help = (
        "Connect a shop to JOOR: API v2 with JOOR_TOKEN, or API v4 with --client-id/--username/--account "
        "and JOOR_CLIENT_SECRET/JOOR_PASSWORD. Secrets come from the environment, or as NAME=value lines "
        "on standard input with --stdin. The credentials are checked with one request before they are "
        "stored."
    )
    stealth_options = ("secrets_input",)  # a stream to read instead of sys.stdin (tests)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--shop", required=True, help="the shop's myshopify.com domain")
        parser.add_argument("--api", required=True, choices=["v2", "v4"], help="JOOR API generation")
        parser.add_argument(
            "--base-url", required=True, help="JOOR API base URL, e.g. https://api.jooraccess.com"
        )
        parser.add_argument("--client-id", default="", help="v4: OAuth client id")
        parser.add_argument("--username", default="", help="v4: JOOR user name")
        parser.add_argument("--account", default="", help="v4: JOOR account id")
        parser.add_argument("--auth-url", default="", help="v4: token endpoint (default: JOOR_AUTH_URL)")
        parser.add_argument("--stdin", dest="secrets_stdin", action="store_true", help=STDIN_HELP)
        parser.add_argument("--no-verify", action="store_true", help="store without the check request")
        retired_secret_options_add(parser, RETIRED)

    def handle(self, *args: Any, **options: Any) -> None:
        retired_secret_options_refuse(options, RETIRED)
        stdin = (options.get("secrets_input") or sys.stdin) if options["secrets_stdin"] else None
        secrets = secrets_read([name for names in SECRETS.values() for name in names], stdin=stdin)
        missing = [name for name in SECRETS[options["api"]] if not secrets[name]]
        if missing:
            raise CommandError(
                f"a JOOR {options['api']} connection needs {', '.join(missing)}: set it in the "
                "environment, or pass NAME=value lines on standard input with --stdin"
            )
        domain = options["shop"].strip().lower()
        shop = Shop.objects.filter(shop_domain=domain).first()
        if shop is None:
            raise CommandError(f"unknown shop {domain!r}: install the app (or run shop_connect) first")
        try:
            account = joor_account_connect(
                shop=shop,
                api_generation=options["api"],
                base_url=options["base_url"],
                auth_url=options["auth_url"],
                token=secrets["JOOR_TOKEN"],
                client_id=options["client_id"],
                client_secret=secrets["JOOR_CLIENT_SECRET"],
                username=options["username"],
                password=secrets["JOOR_PASSWORD"],
                account_id=options["account"],
                verify=not options["no_verify"],
            )
        except (JoorAccountInvalid, JoorConnectionError) as exc:
            raise CommandError(strip_controls(str(exc))) from None  # may quote JOOR's answer
        interval = account.sync_interval_minutes
        schedule = f"every {interval} min" if interval else "off"
        self.stdout.write(
            self.style.SUCCESS(
                f"connected {shop.shop_domain} to JOOR {account.api_generation} at {account.base_url} "
                f"(scheduled sync {schedule})"
            )
        )
