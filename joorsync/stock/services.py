"""Stock writes: saving the location ↔ warehouse table, and recording a stock write Shopify did not take.

A held write puts the product's agreement for that figure back where it was, so the next run reads
both sides again and decides anew: under two-way ownership a figure both sides moved becomes a
conflict, under an owner the owner's fresh figure is written. Until then the merchant sees a problem
on the product saying why.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone

from joorsync.sync.accounts import RECEIVES, joor_account_update_settings
from joorsync.sync.canonical import snapshot_hash
from joorsync.sync.models import JoorAccount, ProductLink, ProductProblem, SyncJob

#: The problem code of a stock figure held back by Shopify.
STOCK_HELD = "stock_held"
#: The problem code of a figure that would take the receiving location below zero.
STOCK_BELOW_ZERO = "stock_below_zero"


def stock_locations_save(
    *, account: JoorAccount, warehouses: Mapping[str, str], receiving: str | None
) -> JoorAccount:
    """Store the table: location GID → JOOR warehouse (a blank name leaves the location out), and the
    location that receives JOOR's stock (it must be one of the mapped ones). Validated by
    `joor_account_update_settings`; `JoorAccountInvalid` says what is wrong."""
    table: dict[str, Any] = {}
    for location, name in warehouses.items():
        name = (name or "").strip()
        if not name:
            continue
        table[location] = {"warehouse": name, RECEIVES: True} if location == receiving else name
    return joor_account_update_settings(account=account, location_warehouses=table)


def stock_hold_record(
    *,
    job: SyncJob | None,
    link: ProductLink,
    path: str,
    had_base: bool,
    base: Any,
    message: str,
) -> ProductProblem | None:
    """Put the agreement for `path` back to `base` (or none, when there was none) and open a problem
    on the product; returns the problem when it is new."""
    now = timezone.now()
    with transaction.atomic():
        locked = ProductLink.objects.select_for_update().filter(pk=link.pk).first()
        if locked is None:
            return None
        snapshot = dict(locked.snapshot or {})
        if had_base:
            snapshot[path] = base
        else:
            snapshot.pop(path, None)
        ProductLink.objects.filter(pk=link.pk).update(
            snapshot=snapshot, snapshot_hash=snapshot_hash(snapshot), updated_at=now
        )
        link.snapshot = snapshot
        subject = f"link:{link.pk}"
        existing = ProductProblem.objects.filter(
            shop_id=link.shop_id,
            subject=subject,
            code=STOCK_HELD,
            field_path=path[:255],
            status=ProductProblem.Status.OPEN,
        ).first()
        if existing is not None:
            ProductProblem.objects.filter(pk=existing.pk).update(message=message[:2000], updated_at=now)
            return None
        return ProductProblem.objects.create(
            shop_id=link.shop_id,
            link=link,
            subject=subject,
            title=(link.shopify_title or link.joor_name or link.style_number)[:255],
            side="shopify",
            code=STOCK_HELD,
            field_path=path[:255],
            message=message[:2000],
            job=job,
        )
