"""Shopify webhooks the sync reacts to, and the shop lifecycle hooks (uninstall, erase).

Handlers are thin: find the shop and the product, then call a service. A product change queues a
targeted, debounced job, collected with the shop's other webhook jobs in one batch (not for the echo
of the sync's own write, see `joorsync.sync.echo`); a
deletion in Shopify only marks the link — nothing is deleted in JOOR without a person (or the
account's archive policy, applied by that product's next job).

The echo is recognised at receipt already, by prefilters, so the thousands of webhooks a large sync
sends back queue no task at all. A prefilter says "nothing to do" only for a proven echo; anything
else (including stock of an item no link or expectation knows yet, whose link may be made by the run
in flight) goes to the handler, which decides with the state at that later time.
"""

from __future__ import annotations

import logging
from datetime import UTC
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from joorsync.sync.echo import shopify_echo_matches
from joorsync.sync.jobs import sync_event_record, sync_job_request, sync_jobs_cancel_for_shop
from joorsync.sync.merge import FieldGroup, Ownership
from joorsync.sync.models import DeletePolicy, JoorAccount, ProductLink, SyncEvent, SyncJob
from joorsync.sync.schedules import shop_schedule_remove
from joorsync.sync.selectors import (
    joor_account_ownership,
    product_link_for_inventory_item,
    product_link_for_shopify_product,
    shop_has_admin_access,
)
from shopify_app.models import Shop, WebhookDelivery
from shopify_app.webhooks.registry import (
    register_shop_erase_hook,
    register_uninstall_hook,
    register_webhook_handler,
    register_webhook_prefilter,
)

logger = logging.getLogger(__name__)

PRODUCT_GID = "gid://shopify/Product/"
INVENTORY_ITEM_GID = "gid://shopify/InventoryItem/"


def _gid(payload: dict[str, Any], prefix: str, id_key: str) -> str | None:
    gid = payload.get("admin_graphql_api_id")
    if isinstance(gid, str) and gid.startswith(prefix):
        return gid
    raw = payload.get(id_key)
    if raw is None or isinstance(raw, bool) or raw == "":
        return None
    try:
        return f"{prefix}{int(raw)}"
    except (TypeError, ValueError):
        return None


def _syncing_shop(delivery: WebhookDelivery) -> tuple[Shop, JoorAccount] | None:
    """The delivery's shop if it is installed and connected to JOOR; other shops are ignored."""
    shop = delivery.shop or Shop.objects.filter(shop_domain=delivery.shop_domain).first()
    if shop is None or not shop_has_admin_access(shop=shop):
        return None
    account = JoorAccount.objects.filter(shop=shop).first()
    if account is None:
        return None
    return shop, account


def _payload(delivery: WebhookDelivery) -> dict[str, Any]:
    return delivery.payload if isinstance(delivery.payload, dict) else {}


def _already_synced(shop: Shop, gid: str, payload: dict[str, Any]) -> bool:
    """Whether the link's snapshot already holds this version of the product (our own write's echo,
    or a replay): its `updated_at` is not after the one recorded at the last sync. An edit within the
    same second is still picked up by the next incremental sync."""
    raw = payload.get("updated_at")
    try:
        changed_at = parse_datetime(raw) if isinstance(raw, str) else None
    except ValueError:
        return False
    if changed_at is None:
        return False
    if timezone.is_naive(changed_at):
        changed_at = timezone.make_aware(changed_at, UTC)
    link = product_link_for_shopify_product(shop=shop, shopify_product_id=gid)
    return (
        link is not None
        and link.status == ProductLink.Status.LINKED
        and link.shopify_updated_at is not None
        and changed_at <= link.shopify_updated_at
    )


def product_changed(*, delivery: WebhookDelivery) -> None:
    """products/create, products/update: sync that one product soon (unless it is already in sync)."""
    found = _syncing_shop(delivery)
    if found is None:
        return
    shop, _ = found
    payload = _payload(delivery)
    gid = _gid(payload, PRODUCT_GID, "id")
    if gid is None:
        raise ValueError(f"{delivery.topic} payload has no product id")
    if shopify_echo_matches(shop=shop, topic=delivery.topic, payload=payload, at=delivery.triggered_at):
        return  # our own write coming back
    if _already_synced(shop, gid, payload):
        return
    sync_job_request(
        shop=shop,
        kind=SyncJob.Kind.TARGETED,
        target={"shopify_product_id": gid},
        trigger=SyncJob.Trigger.WEBHOOK,
    )


def product_deleted(*, delivery: WebhookDelivery) -> None:
    """products/delete: mark the link and record it; with the archive policy, queue the product's job."""
    found = _syncing_shop(delivery)
    if found is None:
        return
    shop, account = found
    gid = _gid(_payload(delivery), PRODUCT_GID, "id")
    if gid is None:
        raise ValueError("products/delete payload has no product id")
    with transaction.atomic():
        link = product_link_for_shopify_product(shop=shop, shopify_product_id=gid)
        if link is None or link.status == ProductLink.Status.DELETED_SHOPIFY:
            return
        previous = link.status
        link.status = ProductLink.Status.DELETED_SHOPIFY
        link.save(update_fields=["status", "updated_at"])
        sync_event_record(
            shop=shop,
            link=link,
            action="deleted_in_shopify",
            level=SyncEvent.Level.WARNING,
            side="shopify",
            message=f"{link.style_number or gid} was deleted in Shopify; the JOOR style is kept",
            details={
                "shopify_product_id": gid,
                "previous_status": previous,
                "delete_policy": account.delete_policy,
            },
        )
        if account.delete_policy == DeletePolicy.ARCHIVE and link.joor_style_id is not None:
            sync_job_request(
                shop=shop,
                kind=SyncJob.Kind.TARGETED,
                target={"link_id": link.pk, "joor_style_id": link.joor_style_id},
                trigger=SyncJob.Trigger.WEBHOOK,
            )


def inventory_changed(*, delivery: WebhookDelivery) -> None:
    """inventory_levels/update: sync the linked product that stocks this inventory item."""
    found = _syncing_shop(delivery)
    if found is None:
        return
    shop, account = found
    if joor_account_ownership(account=account)[FieldGroup.INVENTORY] == Ownership.IGNORE:
        return
    payload = _payload(delivery)
    item_gid = _gid({"id": payload.get("inventory_item_id")}, INVENTORY_ITEM_GID, "id")
    if item_gid is None:
        raise ValueError("inventory_levels/update payload has no inventory_item_id")
    numeric = item_gid.removeprefix(INVENTORY_ITEM_GID)
    link = product_link_for_inventory_item(shop=shop, inventory_item_ids=(item_gid, numeric))
    if link is None:
        # Not a linked variant: the next incremental sync lists it with the unmatched items.
        return
    if shopify_echo_matches(shop=shop, topic=delivery.topic, payload=payload, at=delivery.triggered_at):
        return  # our own stock write coming back
    target: dict[str, Any] = {"link_id": link.pk}
    if link.shopify_product_id:
        target = {"shopify_product_id": link.shopify_product_id, **target}
    sync_job_request(shop=shop, kind=SyncJob.Kind.TARGETED, target=target, trigger=SyncJob.Trigger.WEBHOOK)


def sync_echo(*, delivery: WebhookDelivery) -> bool:
    """Prefilter of `product_changed` and `inventory_changed`: our own write coming back (a product
    write, or a stock write's `inventory_levels/update` and `products/update`) needs no task. Judged
    at the event's time, so a delivery Shopify retries late is still known."""
    if delivery.shop is None or not isinstance(delivery.payload, dict):
        return False
    return shopify_echo_matches(
        shop=delivery.shop, topic=delivery.topic, payload=delivery.payload, at=delivery.triggered_at
    )


def shop_uninstalled(*, shop: Shop) -> None:
    """Stop scheduled syncs and drop queued jobs; links and settings stay for a reinstall."""
    shop_schedule_remove(shop=shop)
    cancelled = sync_jobs_cancel_for_shop(shop=shop, reason="the app was uninstalled")
    logger.info("sync stopped for uninstalled %s (%s queued jobs cancelled)", shop.shop_domain, cancelled)


def shop_erased(*, shop: Shop) -> None:
    """shop/redact: the Schedule row does not cascade from the shop; everything else of ours does."""
    shop_schedule_remove(shop=shop)


HANDLERS = {
    "products/create": product_changed,
    "products/update": product_changed,
    "products/delete": product_deleted,
    "inventory_levels/update": inventory_changed,
}


PREFILTERS = {
    "products/create": sync_echo,
    "products/update": sync_echo,
    "inventory_levels/update": sync_echo,
}


def register_sync_hooks() -> None:
    """Called from the app's ready(): idempotent."""
    for topic, handler in HANDLERS.items():
        register_webhook_handler(topic, handler)
    for topic, prefilter in PREFILTERS.items():
        register_webhook_prefilter(topic, prefilter, handler=HANDLERS[topic])
    register_uninstall_hook(shop_uninstalled)
    register_shop_erase_hook(shop_erased)
