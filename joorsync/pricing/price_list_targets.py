"""The linked variants the price-list pass prices, the JOOR price each should have in a route's type,
and the fixed prices a list holds now."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from joorsync.pricing.models import PriceTypeRoute
from joorsync.pricing.price_list_records import CENT, Target
from joorsync.pricing.sku_prices import StyleSkuPrices, book_style_ids, book_styles_ensure
from joorsync.sync.canonical import JOOR_PREFIX, variant_key
from joorsync.sync.models import ProductLink, VariantLink
from joorsync.sync.ui.labels import variant_label, variant_names_of
from shopify_app.admin import pricing as api

if TYPE_CHECKING:
    from joorsync.sync.engine.run import SyncRun
    from shopify_app.admin.client import AdminClient
    from shopify_app.models import Shop


class PriceListTargetsMixin:
    """Reading methods of `PriceListPass` (needs its run, shop and client)."""

    run: SyncRun
    shop: Shop
    client: AdminClient

    def _fixed(self, price_list_id: str) -> dict[str, Decimal]:
        if not price_list_id:
            return {}
        return {
            p.variant_id: p.amount.quantize(CENT)
            for p in api.price_list_prices(self.client, price_list_id=price_list_id, origin_type="FIXED")
        }

    def _scope(self, *, whole: bool) -> list[ProductLink]:
        links = ProductLink.objects.filter(
            shop=self.shop, status=ProductLink.Status.LINKED, joor_style_id__isnull=False
        ).exclude(shopify_product_id="")
        book = self.run.joor.sku_prices
        if not whole and book is not None:  # incremental: the styles JOOR changed
            links = links.filter(joor_style_id__in=book_style_ids(book))
        return list(links.prefetch_related("variant_links").order_by("pk"))

    def _targets(self, links: Iterable[ProductLink]) -> list[Target]:
        out = []
        for link in links:
            units = _units(link.snapshot or {})
            names = variant_names_of(link.snapshot)
            for v in link.variant_links.all():
                if v.shopify_variant_id:
                    key = variant_key(v.color_code, v.size)
                    out.append(
                        Target(
                            link=link,
                            key=key,
                            variant_id=_gid(v.shopify_variant_id),
                            units=units.get(v.size, 1),
                            combo=(v.color_code, v.size),
                            label=variant_label(key, names),
                        )
                    )
        return out

    def _joor_prices(self, links: list[ProductLink]) -> dict[int, StyleSkuPrices]:
        book = self.run.joor.sku_prices
        if book is None:
            return {}
        return book_styles_ensure(book, style_ids=[int(link.joor_style_id or 0) for link in links])

    def _wanted(
        self, route: PriceTypeRoute, target: Target, prices: Mapping[int, StyleSkuPrices]
    ) -> Decimal | None:
        """The variant's JOOR price in the route's type and amount: its SKU's own (v4), else, for an
        account with style prices only (v2), the style's price of that type."""
        retail = route.amount == PriceTypeRoute.Amount.RETAIL
        link = target.link
        if self.run.joor.sku_prices is not None:
            book = prices.get(int(link.joor_style_id or 0))
            rows = book.prices.get(target.combo, ()) if book is not None else ()
            value = next(
                (
                    p.retail_value if retail else p.wholesale_value
                    for p in rows
                    if p.price_type.name == route.label
                    and (p.price_type.currency_code or "").upper() == route.currency
                ),
                None,
            )
        else:
            listed = (link.snapshot or {}).get(JOOR_PREFIX + "prices") or []
            value = next(
                (
                    p.get("price_retail" if retail else "price_wholesale")
                    for p in listed
                    if isinstance(p, dict)
                    and p.get("price_label") == route.label
                    and str(p.get("price_currency") or "").upper() == route.currency
                ),
                None,
            )
        amount = _amount(value)
        return None if amount is None else (amount * target.units).quantize(CENT)

    def _still_linked(self, variant_id: str) -> bool:
        return VariantLink.objects.filter(
            product_link__shop=self.shop, shopify_variant_id__in=[variant_id, variant_id.rsplit("/", 1)[-1]]
        ).exists()

    def _target_of(self, variant_id: str) -> Target | None:
        found = (
            VariantLink.objects.filter(
                product_link__shop=self.shop,
                shopify_variant_id__in=[variant_id, variant_id.rsplit("/", 1)[-1]],
            )
            .select_related("product_link")
            .first()
        )
        if found is None:
            return None
        key = variant_key(found.color_code, found.size)
        return Target(
            link=found.product_link,
            key=key,
            variant_id=variant_id,
            units=1,
            label=variant_label(key, variant_names_of(found.product_link.snapshot)),
        )


def _amount(value: Any) -> Decimal | None:
    """A JOOR price as a positive amount in cents; None when there is none (blank, zero, not a number)."""
    if value is None or value == "":
        return None
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        return None
    if not amount.is_finite() or amount <= 0:
        return None
    return amount.quantize(CENT)


def _units(snapshot: Mapping[str, Any]) -> dict[str, int]:
    """Size → units in a casepack (a pack variant's fixed price is the unit price × its units)."""
    out: dict[str, int] = {}
    for size in snapshot.get(JOOR_PREFIX + "sizes") or []:
        if isinstance(size, dict) and size.get("size_name") is not None:
            try:
                out[str(size["size_name"])] = max(1, int(size.get("size_multiplier") or 1))
            except (TypeError, ValueError):
                out[str(size["size_name"])] = 1
    return out


def _gid(variant_id: str) -> str:
    return variant_id if variant_id.startswith("gid://") else f"gid://shopify/ProductVariant/{variant_id}"
