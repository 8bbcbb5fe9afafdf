"""Links made and undone by a person: the decisions automatic matching leaves open.

A hand-made link starts without a snapshot: nothing was agreed for the pair yet, so its first sync
overwrites nothing a person may still want. Where the two differ in a two-way field, a conflict
waits for a person; only fields an ownership rule gives to one side follow that side (as far as the
account's direction lets the sync write), and then the agreement is recorded.
`product_link_first_sync_outline` says this in a merchant's words, from the account's own settings.
"""

from __future__ import annotations

from django.db import transaction

from joorsync.sync.jobs import sync_event_record, sync_job_request, sync_job_target_for_link
from joorsync.sync.merge import DEFAULT_OWNERSHIP, FieldGroup, Ownership
from joorsync.sync.models import Direction, JoorAccount, ProductLink, SyncJob, VariantLink
from shopify_app.models import Shop


class LinkRefused(ValueError):
    """The link cannot be made as asked (the message says why)."""


def product_link_manual(
    *, shop: Shop, shopify_product_id: str, joor_style_id: int, style_number: str = "", user: str
) -> ProductLink:
    """Link a Shopify product to a JOOR style. Either may have had a row of its own (unmatched,
    ambiguous); those rows become this one link. A side already linked elsewhere is refused."""
    if not shopify_product_id.startswith("gid://shopify/Product/"):
        raise LinkRefused("not a Shopify product id")
    with transaction.atomic():
        rows = list(
            ProductLink.objects.select_for_update().filter(shop=shop, shopify_product_id=shopify_product_id)
        ) + list(ProductLink.objects.select_for_update().filter(shop=shop, joor_style_id=joor_style_id))
        for row in rows:
            if row.status == ProductLink.Status.LINKED and (
                row.shopify_product_id != shopify_product_id or row.joor_style_id != joor_style_id
            ):
                raise LinkRefused(f"already linked: {row}; unlink it first")
        keep = next((r for r in rows if r.joor_style_id == joor_style_id), None) or (
            rows[0] if rows else None
        )
        for row in rows:
            if keep is not None and row.pk != keep.pk:
                row.delete()
        left = (
            keep.shopify_product_id
            if keep is not None and keep.shopify_product_id and keep.shopify_product_id != shopify_product_id
            else ""
        )
        link = keep or ProductLink(shop=shop)
        link.shopify_product_id = shopify_product_id
        link.joor_style_id = joor_style_id
        link.style_number = link.style_number or style_number
        link.status = ProductLink.Status.LINKED
        link.method = ProductLink.Method.MANUAL
        link.snapshot = None
        link.snapshot_hash = ""
        left_title = link.shopify_title if left else ""
        link.note = f"linked by {user}"
        if left:
            link.shopify_title = ""
        link.save()
        if left:
            # The product this style was linked to before keeps the style's JOOR fields (undoing a
            # link writes nothing to Shopify): it is listed at once, saying why, as the next sync would.
            ProductLink.objects.create(
                shop=shop,
                shopify_product_id=left,
                shopify_title=left_title,
                status=ProductLink.Status.UNMATCHED_SHOPIFY,
                note=f"its JOOR style was linked by hand to Shopify product {shopify_product_id}: link it by hand",
            )
        sync_event_record(action="linked_by_hand", shop=shop, link=link, message=f"Linked by {user}")
        sync_job_request(
            shop=shop,
            kind=SyncJob.Kind.TARGETED,
            target=sync_job_target_for_link(link=link),
            trigger=SyncJob.Trigger.MANUAL,
        )
    return link


VARIANT_FIELDS = (
    "color_code",
    "size",
    "shopify_variant_id",
    "shopify_inventory_item_id",
    "joor_sku_id",
    "upc",
    "sku",
)


def product_link_unlink(*, link: ProductLink, user: str) -> ProductLink:
    """Stop syncing a pair. The row stays (marked unlinked), so automatic matching does not simply
    link the two again on the next run; what the unlink took away is kept for `product_link_relink`."""
    with transaction.atomic():
        locked = ProductLink.objects.select_for_update().get(pk=link.pk)
        undo = {
            "status": locked.status,
            "note": locked.note,
            "variants": [
                dict(zip(VARIANT_FIELDS, row, strict=True))
                for row in locked.variant_links.values_list(*VARIANT_FIELDS)
            ],
        }
        ProductLink.objects.filter(pk=link.pk).update(
            status=ProductLink.Status.UNLINKED, note=f"unlinked by {user}", unlink_undo=undo
        )
        locked.variant_links.all().delete()
        sync_event_record(action="unlinked", shop=locked.shop, link=locked, message=f"Unlinked by {user}")
    link.refresh_from_db()
    return link


def product_link_relink(*, link: ProductLink, user: str) -> bool:
    """Undo an unlink: the pair syncs again with its variant links as they were. False when there is
    nothing to undo (not unlinked, or unlinked before undo was kept)."""
    with transaction.atomic():
        locked = ProductLink.objects.select_for_update().get(pk=link.pk)
        undo = locked.unlink_undo
        if locked.status != ProductLink.Status.UNLINKED or not isinstance(undo, dict):
            return False
        VariantLink.objects.bulk_create(
            [
                VariantLink(product_link=locked, **{k: v for k, v in row.items() if k in VARIANT_FIELDS})
                for row in undo.get("variants") or []
            ],
            ignore_conflicts=True,
        )
        ProductLink.objects.filter(pk=link.pk).update(
            status=undo.get("status") or ProductLink.Status.LINKED,
            note=f"linked again by {user} (unlink undone)",
            unlink_undo=None,
        )
        sync_event_record(
            action="relinked",
            shop=locked.shop,
            link=locked,
            message=f"Linked again by {user} (unlink undone)",
        )
    link.refresh_from_db()
    return True


# -- what the first sync of a hand-made link does -------------------------------------------------

GROUP_NAMES: dict[FieldGroup, str] = {
    FieldGroup.CONTENT: "Title, description, product type and tags",
    # SKUs are not compared: JOOR's styles (read through v2) have no SKU strings.
    FieldGroup.IDENTIFIERS: "Barcodes and colour names",
    FieldGroup.PRICES: "Prices",
    FieldGroup.INVENTORY: "Stock",
    FieldGroup.JOOR_FIELDS: "JOOR's own style details (fabrication, country of origin, wholesale prices …)",
}
_PRICE_KINDS = {"price_retail": "retail", "price_wholesale": "wholesale"}


def _joined(names: list[str]) -> str:
    """Several groups as one list ("Title, …; barcodes and colour names; prices"), capitalised once."""
    rest = [n if n.startswith("JOOR") else n[:1].lower() + n[1:] for n in names[1:]]
    return "; ".join([names[0], *rest])


def _group_rule(name: str, owner: Ownership, *, to_shopify: bool, to_joor: bool, direction: str) -> str:
    if owner is Ownership.IGNORE:
        return f"{name}: not synced (field ownership in Settings)."
    if owner is Ownership.TWO_WAY:
        return (
            f"{name}: where the two differ, neither is overwritten — each difference becomes a conflict "
            "for you to decide; where they already match, they are recorded as in sync."
        )
    winner, loser, allowed = (
        ("JOOR", "Shopify", to_shopify) if owner is Ownership.JOOR else ("Shopify", "JOOR", to_joor)
    )
    if not allowed:
        return (
            f"{name}: {winner} owns them, but the sync direction ({Direction(direction).label}) never "
            f"writes to {loser}, so {loser}'s stay as they are."
        )
    return f"{name}: {winner} owns them, so {winner}'s values replace {loser}'s where they differ."


def product_link_first_sync_outline(*, shop: Shop) -> list[str]:
    """What the first sync of a hand-made link will do with this shop's settings, one sentence a
    rule: the engine's own rules for a pair with nothing agreed yet (`merge_product` with no base,
    the write gate), named for a merchant."""
    account = JoorAccount.objects.filter(shop=shop).first()
    if account is None:
        return ["This shop is not connected to JOOR yet: nothing is synced until it is."]
    direction = account.direction or Direction.BOTH
    to_shopify = direction in (Direction.BOTH, Direction.JOOR_TO_SHOPIFY)
    to_joor = direction in (Direction.BOTH, Direction.SHOPIFY_TO_JOOR)
    owners = dict(DEFAULT_OWNERSHIP)
    known_groups, known_owners = {g.value for g in FieldGroup}, {o.value for o in Ownership}
    for group, owner in (account.ownership or {}).items():
        if group in known_groups and owner in known_owners:
            owners[FieldGroup(group)] = Ownership(owner)
    # Groups under the same rule share one sentence, in the order of GROUP_NAMES.
    by_owner: dict[Ownership, list[str]] = {}
    for group, name in GROUP_NAMES.items():
        by_owner.setdefault(owners[group], []).append(name)
    lines = [
        _group_rule(_joined(names), owner, to_shopify=to_shopify, to_joor=to_joor, direction=direction)
        for owner, names in by_owner.items()
    ]
    if owners[FieldGroup.PRICES] is not Ownership.IGNORE:
        kind = _PRICE_KINDS.get(account.price_field or "price_retail", "retail")
        label = f" (price label {account.price_label})" if account.price_label else ""
        currency = account.price_currency or "the shop's currency"
        lines.append(
            f"Shopify prices are compared with JOOR's {kind} price in {currency}{label}. A price is never "
            "invented: if the style has none, prices are left as they are and the product is listed "
            "under Problems."
        )
        if not account.compare_at_field:
            lines.append("Compare-at prices are not synced: no JOOR price is chosen for them in Settings.")
    lines += [
        "A colour and size that only one side has is neither added nor deleted: it becomes a conflict "
        "for you to decide.",
        "An empty value never replaces a filled one.",
    ]
    return lines
