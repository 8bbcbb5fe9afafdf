"""Reads of the linesheet app: the shop's settings, its links, and what the linked products last
agreed on about their deliveries."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models.fields.json import KeyTransform

from joorsync.linesheets.models import LinesheetLink, LinesheetSettings
from joorsync.linesheets.plan import COLORS_PATH, DELIVERIES_PATH
from joorsync.sync.models import ProductLink
from shopify_app.models import Shop


def linesheet_settings_get(*, shop: Shop) -> LinesheetSettings:
    """The shop's settings as stored, or the defaults (unsaved) when it never saved any."""
    found = LinesheetSettings.objects.filter(shop=shop).first()
    return found if found is not None else LinesheetSettings(shop=shop)


def linesheet_links(*, shop: Shop) -> dict[str, LinesheetLink]:
    """Every link of the shop by its JOOR key."""
    return {link.joor_key: link for link in LinesheetLink.objects.filter(shop=shop)}


def linked_deliveries(*, shop: Shop) -> Iterator[dict[str, Any]]:
    """Each linked product's agreed deliveries and colors: only those two values of the snapshot are
    read, never the whole document."""
    rows = (
        ProductLink.objects.filter(shop=shop, status=ProductLink.Status.LINKED)
        .exclude(shopify_product_id="")
        .annotate(
            deliveries=KeyTransform(DELIVERIES_PATH, "snapshot"), colors=KeyTransform(COLORS_PATH, "snapshot")
        )
        .values("shopify_product_id", "style_number", "deliveries", "colors")
        .order_by("pk")
    )
    for row in rows.iterator(chunk_size=500):
        yield {
            "product_id": row["shopify_product_id"],
            "style_number": row["style_number"],
            "deliveries": row["deliveries"],
            "colors": row["colors"],
        }


def linked_styles_by_product(*, shop: Shop, product_ids: list[str]) -> dict[str, ProductLink]:
    """The linked JOOR style of each of these Shopify products (products without one are absent)."""
    found: dict[str, ProductLink] = {}
    for start in range(0, len(product_ids), 500):
        for link in ProductLink.objects.filter(
            shop=shop,
            status=ProductLink.Status.LINKED,
            shopify_product_id__in=product_ids[start : start + 500],
        ).exclude(joor_style_id__isnull=True):
            found[link.shopify_product_id] = link
    return found
