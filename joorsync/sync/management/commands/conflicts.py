"""`manage.py conflicts --shop X [--json]`: the shop's open conflicts, oldest first."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from joorsync.core.text import strip_controls
from joorsync.sync.models import Conflict
from joorsync.sync.selectors import conflicts_open_for
from shopify_app.models import Shop


def conflict_as_dict(conflict: Conflict) -> dict[str, Any]:
    """The JSON shape of one open conflict (stable: other tools read it)."""
    link = conflict.link
    return {
        "id": conflict.pk,
        "field_path": conflict.field_path,
        "base_value": conflict.base_value,
        "shopify_value": conflict.shopify_value,
        "joor_value": conflict.joor_value,
        "product": {
            "link_id": link.pk,
            "style_number": link.style_number,
            "shopify_product_id": link.shopify_product_id,
        },
        "created_at": conflict.created_at.isoformat(),
    }


def _short(value: Any, width: int = 30) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= width else text[: width - 1] + "…"


class Command(BaseCommand):
    help = "List a shop's open conflicts (field path with the base, Shopify and JOOR values)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--shop", required=True, help="the shop's myshopify.com domain")
        parser.add_argument("--json", action="store_true", help="print a JSON list")

    def handle(self, *args: Any, **options: Any) -> None:
        domain = options["shop"].strip().lower()
        shop = Shop.objects.filter(shop_domain=domain).first()
        if shop is None:
            raise CommandError(f"unknown shop {domain!r}")
        conflicts = [conflict_as_dict(c) for c in conflicts_open_for(shop=shop)]
        if options["json"]:
            self.stdout.write(json.dumps(conflicts, ensure_ascii=False, indent=2))
            return
        if not conflicts:
            self.stdout.write(f"no open conflicts for {shop.shop_domain}")
            return
        for c in conflicts:
            product = (
                c["product"]["style_number"]
                or c["product"]["shopify_product_id"]
                or f"link {c['product']['link_id']}"
            )
            # Paths and values come from both catalogs: a person reads this line in a terminal.
            self.stdout.write(
                strip_controls(
                    f"#{c['id']} {product} {c['field_path']}: base {_short(c['base_value'])} | "
                    f"shopify {_short(c['shopify_value'])} | joor {_short(c['joor_value'])}"
                )
            )
        self.stdout.write(f"{len(conflicts)} open conflict(s)")
