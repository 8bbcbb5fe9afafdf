"""An order's lines resolved to Shopify variants through the product links, and the reasons an order
must be held instead of imported. An order is imported whole or not at all."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from joorsync.orders.joor_documents import OrderLine, WholesaleOrder
from joorsync.sync.models import ProductLink, VariantLink
from shopify_app.models import Shop

VARIANT_GID = "gid://shopify/ProductVariant/"


def variant_gid(value: str) -> str:
    return value if value.startswith("gid://") else f"{VARIANT_GID}{value}"


def _norm(value: str) -> str:
    return value.strip().casefold()


@dataclass(frozen=True)
class VariantRef:
    variant_id: str
    title: str
    sku: str


class VariantIndex:
    """Every linked variant of a shop, found by UPC, by JOOR SKU id, or by style + colour + size."""

    def __init__(self, rows: Iterable[VariantLink]) -> None:
        self.by_upc: dict[str, VariantRef | None] = {}
        self.by_sku_id: dict[str, VariantRef] = {}
        self.by_style: dict[tuple[str, str, str], VariantRef] = {}
        for row in rows:
            if not row.shopify_variant_id:
                continue
            link = row.product_link
            ref = VariantRef(
                variant_id=variant_gid(row.shopify_variant_id),
                title=link.shopify_title or link.joor_name,
                sku=row.sku,
            )
            if row.upc:
                upc = row.upc.strip()
                # A UPC on two variants identifies neither.
                self.by_upc[upc] = None if upc in self.by_upc and self.by_upc[upc] != ref else ref
            if row.joor_sku_id:
                self.by_sku_id[row.joor_sku_id] = ref
            colour, size = _norm(row.color_code), _norm(row.size)
            if link.joor_style_id is not None:
                self.by_style[(f"id:{link.joor_style_id}", colour, size)] = ref
            if link.style_number:
                self.by_style[(f"no:{_norm(link.style_number)}", colour, size)] = ref

    @classmethod
    def for_shop(cls, shop: Shop) -> VariantIndex:
        rows = (
            VariantLink.objects.filter(
                product_link__shop=shop, product_link__status=ProductLink.Status.LINKED
            )
            .exclude(shopify_variant_id="")
            .select_related("product_link")
            .only(
                "shopify_variant_id",
                "upc",
                "sku",
                "joor_sku_id",
                "color_code",
                "size",
                "product_link__joor_style_id",
                "product_link__style_number",
                "product_link__shopify_title",
                "product_link__joor_name",
            )
        )
        return cls(rows.iterator(chunk_size=2000))

    def find(self, line: OrderLine) -> VariantRef | None:
        """UPC first (the identifier both sides print), then JOOR's SKU id, then style/colour/size."""
        if line.upc and self.by_upc.get(line.upc.strip()):
            return self.by_upc[line.upc.strip()]
        if line.sku_id and line.sku_id in self.by_sku_id:
            return self.by_sku_id[line.sku_id]
        colour, size = _norm(line.color_code), _norm(line.size)
        if not size:
            return None
        for key in (f"id:{line.style_id}" if line.style_id else "", f"no:{_norm(line.style_number)}"):
            if key and key != "no:" and (key, colour, size) in self.by_style:
                return self.by_style[(key, colour, size)]
        return None


@dataclass(frozen=True)
class ResolvedLine:
    variant: VariantRef
    quantity: int
    unit_price: Decimal
    lines: tuple[OrderLine, ...]


@dataclass
class Hold(Exception):
    """Why an order is not imported: a code, words for the merchant, and the lines concerned."""

    code: str
    message: str
    details: dict[str, object] = field(default_factory=dict)

    def __str__(self) -> str:
        return self.message


@dataclass
class Resolution:
    lines: list[ResolvedLine]
    notes: list[str]


def resolve_lines(order: WholesaleOrder, index: VariantIndex) -> Resolution:
    """The Shopify lines of `order`, or `Hold` naming every line that cannot be placed.

    Lines with no units are left out (noted); the same variant at the same price on two lines
    becomes one line (noted); the same variant at two prices stays two lines.
    """
    notes: list[str] = []
    unknown: list[str] = []
    unpriced: list[str] = []
    merged: dict[tuple[str, Decimal], list[tuple[VariantRef, OrderLine]]] = {}
    zero = [line for line in order.lines if line.quantity == 0]
    for line in order.lines:
        if line.quantity == 0:
            continue
        ref = index.find(line)
        if ref is None:
            unknown.append(line.describe())
            continue
        if line.unit_price is None:
            unpriced.append(line.describe())
            continue
        merged.setdefault((ref.variant_id, line.unit_price), []).append((ref, line))
    if unknown:
        raise Hold(
            "UNKNOWN_SKU",
            f"{len(unknown)} line(s) match no linked Shopify variant: "
            + "; ".join(unknown[:5])
            + (f"; and {len(unknown) - 5} more" if len(unknown) > 5 else "")
            + ". Link the styles (or add the UPCs in Shopify) and retry.",
            {"lines": unknown},
        )
    if unpriced:
        raise Hold(
            "NO_PRICE",
            "JOOR gives no price for " + "; ".join(unpriced[:5]) + ". The order is not imported without one.",
            {"lines": unpriced},
        )
    if not merged:
        raise Hold("NO_UNITS", "The order has no line with a quantity above zero.", {})
    if zero:
        notes.append(
            f"{len(zero)} line(s) with quantity 0 left out: "
            + "; ".join(line.describe() for line in zero[:5])
        )
    resolved = []
    for (_, price), group in merged.items():
        if len(group) > 1:
            notes.append(
                f"{len(group)} lines for the same variant at {price} combined: "
                + "; ".join(line.describe() for _, line in group)
            )
        resolved.append(
            ResolvedLine(
                variant=group[0][0],
                quantity=sum(line.quantity for _, line in group),
                unit_price=price,
                lines=tuple(line for _, line in group),
            )
        )
    return Resolution(lines=resolved, notes=notes)


def order_checks(order: WholesaleOrder, *, shop_currency: str) -> None:
    """Raise `Hold` for what makes the whole order unimportable before any line is looked at."""
    if order.problems:
        raise Hold(
            "UNREADABLE",
            "JOOR's order document could not be read: " + "; ".join(order.problems[:5]),
            {"problems": list(order.problems)},
        )
    if not order.currency:
        raise Hold("NO_CURRENCY", "The JOOR order does not say its currency.", {})
    if shop_currency and order.currency != shop_currency.upper():
        raise Hold(
            "CURRENCY",
            f"The order is in {order.currency}; the shop's currency is {shop_currency.upper()}. Prices are "
            "never converted: import it by hand, or change the retailer's JOOR price type.",
            {"order_currency": order.currency, "shop_currency": shop_currency.upper()},
        )
    shipping = order.shipping or order.billing
    if (shipping is None or not shipping.usable) and order.read_through == "v4":
        raise Hold(
            "NO_ADDRESS",
            "This JOOR connection reads orders through JOOR's v4 API, which gives no addresses, contact "
            "or PO number: import this order by hand, or ask JOOR to let the connection read the v2 order export.",
            {},
        )
    if shipping is None or not shipping.usable:
        raise Hold(
            "NO_ADDRESS",
            "The JOOR order has no usable shipping address (street, city and country are needed).",
            {},
        )
