"""`manage.py joor_connect`: connect a shop to its JOOR account (credentials checked, stored encrypted)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from joorsync.sync.accounts import JoorAccountInvalid, JoorConnectionError, joor_account_connect
from shopify_app.models import Shop


class Command(BaseCommand):
    help = (
        "Connect a shop to JOOR: --token for API v2, or --client-id/--client-secret/--username/--password/"
        "--account for API v4. The credentials are checked with one request before they are stored."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--shop", required=True, help="the shop's myshopify.com domain")
        parser.add_argument("--api", required=True, choices=["v2", "v4"], help="JOOR API generation")
        parser.add_argument(
            "--base-url", required=True, help="JOOR API base URL, e.g. https://api.jooraccess.com"
        )
        parser.add_argument("--token", default="", help="v2: the JOOR API token")
        parser.add_argument("--client-id", default="", help="v4: OAuth client id")
        parser.add_argument("--client-secret", default="", help="v4: OAuth client secret")
        parser.add_argument("--username", default="", help="v4: JOOR user name")
        parser.add_argument("--password", default="", help="v4: JOOR password")
        parser.add_argument("--account", default="", help="v4: JOOR account id")
        parser.add_argument("--auth-url", default="", help="v4: token endpoint (default: JOOR_AUTH_URL)")
        parser.add_argument("--no-verify", action="store_true", help="store without the check request")

    def handle(self, *args: Any, **options: Any) -> None:
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
                token=options["token"],
                client_id=options["client_id"],
                client_secret=options["client_secret"],
                username=options["username"],
                password=options["password"],
                account_id=options["account"],
                verify=not options["no_verify"],
            )
        except (JoorAccountInvalid, JoorConnectionError) as exc:
            raise CommandError(str(exc)) from None
        interval = account.sync_interval_minutes
        schedule = f"every {interval} min" if interval else "off"
        self.stdout.write(
            self.style.SUCCESS(
                f"connected {shop.shop_domain} to JOOR {account.api_generation} at {account.base_url} "
                f"(scheduled sync {schedule})"
            )
        )
