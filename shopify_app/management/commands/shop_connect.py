"""`manage.py shop_connect`: register a shop with a static admin API token (custom apps, operators).

The token comes from SHOPIFY_ACCESS_TOKEN in the environment, or as a NAME=value line on standard input
with `--stdin`; never from the command line, which every user of the machine can read.
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
from shopify_app.domains import InvalidShopDomain
from shopify_app.services.shops import ShopConnectError, shop_connect
from shopify_app.services.webhook_subscriptions import WebhookRegistrationError

TOKEN_VARIABLE = "SHOPIFY_ACCESS_TOKEN"  # noqa: S105 - the variable's name, not a token
RETIRED = {"--token": TOKEN_VARIABLE}


class Command(BaseCommand):
    help = (
        "Verify a static Admin API token for a shop, store it encrypted and subscribe the app's webhooks. "
        f"The token comes from {TOKEN_VARIABLE} in the environment, or as {TOKEN_VARIABLE}=… on standard "
        "input with --stdin."
    )
    stealth_options = ("secrets_input",)  # a stream to read instead of sys.stdin (tests)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--shop", required=True, help="the shop's myshopify.com domain")
        parser.add_argument(
            "--admin-url",
            default="",
            help="admin base URL for this shop (e.g. a sandbox); default https://{shop}",
        )
        parser.add_argument("--stdin", dest="secrets_stdin", action="store_true", help=STDIN_HELP)
        parser.add_argument("--no-webhooks", action="store_true", help="do not subscribe webhooks")
        retired_secret_options_add(parser, RETIRED)

    def handle(self, *args: Any, **options: Any) -> None:
        retired_secret_options_refuse(options, RETIRED)
        stdin = (options.get("secrets_input") or sys.stdin) if options["secrets_stdin"] else None
        token = secrets_read([TOKEN_VARIABLE], stdin=stdin)[TOKEN_VARIABLE]
        if not token:
            raise CommandError(
                f"no Admin API token: set {TOKEN_VARIABLE} in the environment, or pass "
                f"{TOKEN_VARIABLE}=… on standard input with --stdin"
            )
        try:
            shop = shop_connect(
                shop_domain=options["shop"],
                access_token=token,
                admin_base_url=options["admin_url"],
                register_webhooks=not options["no_webhooks"],
            )
        except InvalidShopDomain as exc:
            raise CommandError(f"invalid shop domain: {options['shop']!r}") from exc
        except (ShopConnectError, WebhookRegistrationError) as exc:
            raise CommandError(strip_controls(str(exc))) from exc  # may quote Shopify's answer
        self.stdout.write(self.style.SUCCESS(f"connected {shop.shop_domain}"))
