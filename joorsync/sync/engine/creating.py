"""Products that exist on one side only: created on the other side when the direction, the price
mapping and the write gate allow it, otherwise listed with the concrete reason.

A style becomes a Shopify product (bulk when many) in the account's new-product status, a draft when
it has no price in the shop's currency. A Shopify product becomes a JOOR style when it has Color/Size
variants, a wholesale price can be derived, it is not a draft (unless the account says so), its
values fit JOOR's limits and none of its barcodes already belongs to a known style.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from joorsync.joor.client import JoorNotFound
from joorsync.joor.errors import JoorPermanentError
from joorsync.joor.records import Style
from joorsync.stock.engine import policy_created
from joorsync.sync.canonical import CanonicalProduct, flatten
from joorsync.sync.engine import linkrows
from joorsync.sync.engine.gate import review_create
from joorsync.sync.engine.plan import ProductCreate, Refusal, Side
from joorsync.sync.engine.settings import PairSettings, comparable
from joorsync.sync.engine.shopify_side import generated_skus, style_handle
from joorsync.sync.joor_create import (
    CannotCreate,
    full_grid,
    identifiers_for,
    new_style_prices,
    with_identity,
)
from joorsync.sync.models import ProductLink
from joorsync.sync.shopify_mapping import product_identity, product_to_canonical
from joorsync.sync.spool import Spool

if TYPE_CHECKING:
    from joorsync.sync.engine.run import SyncRun


def create_in_shopify(
    run: SyncRun, styles: list[tuple[Style, CanonicalProduct]], *, handles: Mapping[str, str]
) -> None:
    """Create the styles' products. `handles`: the handles of the Shopify products this run saw →
    product id. A create is a productSet by the style's handle (so that creating again after a crash
    finds the same product); a product already holding that handle is never written over by it."""
    if not run.settings.allow_write_shopify:
        for style, product in styles:
            run.apply.list_style(
                style=style,
                product=product,
                status=ProductLink.Status.UNMATCHED_JOOR,
                note="the sync direction does not create products in Shopify",
            )
        return
    for style, canonical in styles:
        create = ProductCreate(
            side=Side.SHOPIFY, product=generated_skus(canonical), source_id=str(style.style_id)
        )
        holder = handles.get(style_handle(canonical.style_number, style.style_id))
        if holder:
            run.apply.list_style(
                style=style,
                product=canonical,
                status=ProductLink.Status.AMBIGUOUS,
                note=f"Shopify product {holder} already has this style's handle: link it by hand",
            )
        elif review_create(create, ctx=run.gate):
            run.apply.queue_shopify_create(style, create)
        else:
            run.apply.list_style(
                style=style,
                product=canonical,
                status=ProductLink.Status.UNMATCHED_JOOR,
                note=create.refusals[0].message,
                refusals=create.refusals,
            )
    for style, create, node, error in run.apply.flush_shopify_creates():
        product_id = (node or {}).get("id")
        if error or not product_id:
            run.counts.errors += 1
            message = f"style {style.style_number}: {error or 'no product id returned'}"
            run.event(action="create_failed", level="error", side="shopify", message=message)
            run.apply.list_style(
                style=style,
                product=create.product,
                status=ProductLink.Status.UNMATCHED_JOOR,
                note=message,
                refusals=[Refusal(side=Side.SHOPIFY, code="write_refused", message=message)],
            )
            continue
        link = run.apply.link(
            style=style, product_id=product_id, method=ProductLink.Method.CREATED, new_product=True
        )
        assert link is not None  # a preview creates nothing, so never gets here
        product = create.product
        joor_prices = any(v.price is not None for v in product.variants)
        snapshot = comparable(flatten(product), settings=run.settings, joor_prices=joor_prices)
        linkrows.link_record_created(link=link, snapshot=snapshot, shopify_node=node, product=product)
        policy_created(run, link=link, product=product)  # made to order: CONTINUE is the app's
        run.apply.problems(link, create.refusals)
        run.counts.shopify["created"] += 1
        run.event(
            action="created_in_shopify",
            side="shopify",
            link=link,
            message=f"created in Shopify ({create.status.lower()}) from JOOR style {style.style_number}",
        )


def finish_unmatched_shopify(
    run: SyncRun, products: Spool, unlinked: Iterable[str], seen_styles: set[int]
) -> None:
    """Products no style claimed: created in JOOR or listed with the reason."""
    for product_id in list(unlinked):
        node = products.get(product_id) or {}
        link = create_in_joor(run, product_id, node)
        if link is not None and link.joor_style_id is not None:
            seen_styles.add(link.joor_style_id)


def create_in_joor(run: SyncRun, product_id: str, node: Mapping[str, Any]) -> ProductLink | None:
    """Create the style for a Shopify-only product, or list the product with the reason. Returns the
    new link, or the product's unmatched row (None in a preview)."""
    refusals: list[Refusal] = []
    note = "no JOOR style matches this product"
    if not run.settings.allow_write_joor:
        note = "the sync direction does not create styles in JOOR"
    else:
        try:
            created = _create(run, product_id, node, refusals)
        except CannotCreate as exc:
            note = str(exc)
        except JoorPermanentError as exc:
            run.counts.errors += 1
            note = f"JOOR refused the new style: {exc}"
            refusals.append(Refusal(side=Side.JOOR, code="write_refused", message=note))
            run.event(action="create_failed", level="error", side="joor", message=note)
        else:
            if created is not None or not refusals:
                return created
            note = refusals[0].message
    return run.apply.list_product(
        product_id=product_id, node=node, note=note, refusals=[r for r in refusals if r.code != "draft"]
    )


def _create(
    run: SyncRun, product_id: str, node: Mapping[str, Any], refusals: list[Refusal]
) -> ProductLink | None:
    """The new style's link; None with `refusals` when the gate refused it, None alone in a preview."""
    shopify_product = product_to_canonical(node)
    if not shopify_product.variants:
        raise CannotCreate("the product has no Color and Size variants for a JOOR style")
    number, identifier = identifiers_for(str(node.get("legacyResourceId") or ""), shopify_product)
    named = product_identity(node)
    if named.get("style_id") or named.get("style_number"):
        # Its joor.* identity names a style (a copy of a synced product, or one linked elsewhere):
        # a style write by that number would overwrite that style if JOOR has it.
        try:
            run.joor.style_by_number(number, identifier)
        except JoorNotFound:
            pass
        else:
            raise CannotCreate(
                f"it names JOOR style {number} in its joor metafields, and that style is linked to "
                "another product: link it by hand"
            )
    shopify_product = with_identity(shopify_product, number, identifier)
    grid = full_grid(shopify_product)
    create = ProductCreate(side=Side.JOOR, product=grid, source_id=product_id)
    if not review_create(create, ctx=run.gate, shopify_status=str(node.get("status") or "")):
        refusals.extend(create.refusals)
        return None
    barcodes = {v.barcode for v in grid.variants if v.barcode}
    holders = [
        row
        for row in linkrows.links_sharing_barcodes(shop=run.shop, barcodes=barcodes)
        if row.joor_style_id is not None and row.shopify_product_id != product_id
    ]
    if holders:
        raise CannotCreate(
            "its barcodes already belong to JOOR style "
            + ", ".join(sorted({h.style_number or str(h.joor_style_id) for h in holders}))
            + ": link it by hand"
        )
    new = new_style_prices(
        grid, prices=run.prices, currency=run.prices.currency, factor=run.account.wholesale_factor
    )
    style = run.apply.create_joor_style(grid, new=new, product_id=product_id)
    if style is None:
        return None  # a preview
    link = run.apply.link(style=style, product_id=product_id, method=ProductLink.Method.CREATED)
    assert link is not None
    snapshot = created_in_joor_base(
        flatten(shopify_product), flatten(run.joor.canonical(style)), run.settings
    )
    linkrows.link_record_created(link=link, snapshot=snapshot, shopify_node=node, product=grid)
    run.counts.joor["created"] += 1
    run.event(
        action="created_in_joor",
        side="joor",
        link=link,
        message=f"style {number} created in JOOR from a Shopify product",
    )
    return link


def created_in_joor_base(
    shopify: Mapping[str, Any], joor: Mapping[str, Any], settings: PairSettings
) -> dict[str, Any]:
    """The agreement right after creating a style from a product: Shopify's values, except where
    JOOR could not store one (that path starts empty, so the next run writes Shopify's value to
    JOOR rather than JOOR's empty one to Shopify)."""
    base = dict(shopify)
    for path, value in shopify.items():
        if value is not None and joor.get(path) is None:
            base[path] = None
    return comparable(base, settings=settings, joor_prices=True)
