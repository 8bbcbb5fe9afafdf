"""Reads over the order data, each scoped to one shop."""

from __future__ import annotations

from django.db.models import Count, F, Q, QuerySet

from joorsync.orders.models import ImportedOrder, OrderEvent, OrderSettings, RetailerLink
from joorsync.sync.models import VariantLink
from shopify_app.models import Shop

State = ImportedOrder.State


def order_settings_get(*, shop: Shop) -> OrderSettings:
    """The shop's order settings, created with the defaults on first use."""
    settings, _ = OrderSettings.objects.get_or_create(shop=shop)
    return settings


def orders_to_import(*, shop: Shop) -> QuerySet[ImportedOrder]:
    """Orders the next run takes: received ones, and creates an interrupted run left unfinished."""
    return ImportedOrder.objects.filter(shop=shop, state__in=(State.RECEIVED, State.CREATING)).order_by("pk")


def orders_changed_in_joor(*, shop: Shop) -> QuerySet[ImportedOrder]:
    """Imported orders whose JOOR document changed since the Shopify order was made from it."""
    return (
        ImportedOrder.objects.filter(shop=shop, state=State.IMPORTED)
        .exclude(imported_fingerprint="")
        .exclude(fingerprint=F("imported_fingerprint"))
        .order_by("pk")
    )


def orders_with_status_due(*, shop: Shop) -> QuerySet[ImportedOrder]:
    return ImportedOrder.objects.filter(shop=shop, status_push_due=True).order_by("pk")


def order_get(*, shop: Shop, pk: int) -> ImportedOrder | None:
    return ImportedOrder.objects.filter(shop=shop, pk=pk).first()


def order_by_shopify_id(*, shop: Shop, shopify_order_id: str) -> ImportedOrder | None:
    return ImportedOrder.objects.filter(shop=shop, shopify_order_id=shopify_order_id).first()


def order_events(*, order: ImportedOrder) -> QuerySet[OrderEvent]:
    return OrderEvent.objects.filter(shop_id=order.shop_id, order=order).order_by("-created_at", "-id")


def order_counts(*, shop: Shop) -> dict[str, int]:
    """How many orders are in each state (every state present, zero where none)."""
    counts = dict.fromkeys(State.values, 0)
    for row in ImportedOrder.objects.filter(shop=shop).values("state").annotate(n=Count("pk")):
        counts[row["state"]] = row["n"]
    return counts


def orders_list(*, shop: Shop, state: str = "", query: str = "") -> QuerySet[ImportedOrder]:
    rows = ImportedOrder.objects.filter(shop=shop)
    if state:
        rows = rows.filter(state=state)
    if query:
        rows = rows.filter(
            Q(joor_order_id__icontains=query)
            | Q(po_number__icontains=query)
            | Q(retailer_name__icontains=query)
            | Q(retailer_code__icontains=query)
            | Q(shopify_order_name__icontains=query)
        )
    return rows.order_by("-created_at", "-pk")


def retailer_link_for_customer(*, shop: Shop, shopify_customer_id: str) -> RetailerLink | None:
    return RetailerLink.objects.filter(shop=shop, shopify_customer_id=shopify_customer_id).first()


def linked_upcs(*, shop: Shop, limit: int) -> list[str]:
    """UPCs of variants linked on both sides (what orders can be placed on: the demo, the chaos bench)."""
    return list(
        VariantLink.objects.filter(product_link__shop=shop)
        .exclude(upc="")
        .exclude(shopify_variant_id="")
        .order_by("pk")
        .values_list("upc", flat=True)[:limit]
    )
