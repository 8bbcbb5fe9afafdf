"""`manage.py shop_connect`: register a shop with a static admin API token (custom apps, operators)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from shopify_app.domains import InvalidShopDomain
from shopify_app.services.shops import ShopConnectError, shop_connect
from shopify_app.services.webhook_subscriptions import WebhookRegistrationError


class Command(BaseCommand):
    help = "Verify a static Admin API token for a shop, store it encrypted and subscribe the app's webhooks."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--shop", required=True, help="the shop's myshopify.com domain")
        parser.add_argument("--token", required=True, help="an Admin API access token (shpat_…)")
        parser.add_argument(
            "--admin-url",
            default="",
            help="admin base URL for this shop (e.g. a sandbox); default https://{shop}",
        )
        parser.add_argument("--no-webhooks", action="store_true", help="do not subscribe webhooks")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            shop = shop_connect(
                shop_domain=options["shop"],
                access_token=options["token"],
                admin_base_url=options["admin_url"],
                register_webhooks=not options["no_webhooks"],
            )
        except InvalidShopDomain as exc:
            raise CommandError(f"invalid shop domain: {options['shop']!r}") from exc
        except (ShopConnectError, WebhookRegistrationError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(f"connected {shop.shop_domain}"))
