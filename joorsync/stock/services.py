"""Stock writes: saving the location ↔ warehouse table, and recording a stock write Shopify did not take.

A held write puts the product's agreement for that figure back where it was, so the next run reads
both sides again and decides anew: under two-way ownership a figure both sides moved becomes a
conflict, under an owner the owner's fresh figure is written. Until then the merchant sees a problem
on the product saying why.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from joorsync.stock.models import VariantStockState
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


# ---------------------------------------------------------------------------- the app's own record


@dataclass(frozen=True, slots=True)
class StockState:
    """A run's light copy of one `VariantStockState` (a run may hold one per variant of the shop)."""

    policy_set: bool = False
    warehouses: str = ""
    written: int | None = None
    outside: int | None = None


STATE_FIELDS = ("policy_set", "warehouses", "written", "outside")


def stock_states_of(*, shop_id: int) -> dict[int, dict[str, StockState]]:
    """Link id → variant key → what the app recorded for it (one query per run)."""
    states: dict[int, dict[str, StockState]] = {}
    rows = VariantStockState.objects.filter(link__shop_id=shop_id).values_list(
        "link_id", "variant_key", *STATE_FIELDS
    )
    for link_id, key, *values in rows.iterator(chunk_size=2000):
        states.setdefault(link_id, {})[key] = StockState(*values)
    return states


def stock_states_of_link(*, link_id: int) -> dict[str, StockState]:
    rows = VariantStockState.objects.filter(link_id=link_id).values_list("variant_key", *STATE_FIELDS)
    return {key: StockState(*values) for key, *values in rows}


def stock_state_save(*, link_id: int, variant_key: str, known: dict[str, StockState], **values: Any) -> None:
    """Set `values` on one variant's record (made when missing); `known` (variant key → state, the
    run's copy for this link) is kept in step."""
    state, _ = VariantStockState.objects.update_or_create(
        link_id=link_id, variant_key=variant_key[:160], defaults=values
    )
    known[variant_key] = StockState(*(getattr(state, name) for name in STATE_FIELDS))


def policy_marks_created(*, link: ProductLink, keys: list[str]) -> None:
    """A product the app created for a made-to-order style: every variant's CONTINUE is the app's."""
    if not keys:
        return
    VariantStockState.objects.bulk_create(
        [VariantStockState(link=link, variant_key=key[:160], policy_set=True) for key in keys],
        update_conflicts=True,
        unique_fields=["link", "variant_key"],
        update_fields=["policy_set"],
    )


def stock_outside_of(*, shop_id: int, warehouses: str) -> tuple[int, int]:
    """(units, SKUs) JOOR holds outside the written warehouses, as last measured for this shop's
    linked variants under the table whose fingerprint is `warehouses`."""
    rows = VariantStockState.objects.filter(
        link__shop_id=shop_id,
        link__status=ProductLink.Status.LINKED,
        warehouses=warehouses,
        outside__gt=0,
    )
    figures = [int(figure or 0) for figure in rows.values_list("outside", flat=True)]
    return sum(figures), len(figures)
