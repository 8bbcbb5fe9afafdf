"""Full and incremental runs: join the two catalogs without holding either in memory.

1. Shopify is exported with one bulk query (full run) or searched by `updated_at` (incremental);
   products are spooled to disk, and only those without a link (unmatched, ambiguous or new) are
   indexed for matching.
2. JOOR styles stream in page by page. Per page: linked pairs are synced; styles without a link
   (new, or unmatched and ambiguous from before: re-evaluated every run) are matched — never guessed
   — against the index and the barcodes every known row holds, linked, and synced; or, when nothing
   in Shopify could be theirs, created there. The page's stock goes out together, then the
   checkpoint moves past the page.
3. What is left: Shopify products no style claimed (created in JOOR where the direction, the price
   mapping and the gate allow, else listed with the reason), and links whose style JOOR no longer
   has (flagged, or archived by policy).

The checkpoint records the JOOR pass as complete with its last page (`joor_pass_done`), so a job
whose worker dies in step 3 resumes with step 3 instead of reading every JOOR page again.

Progress counts products: each style JOOR lists (a linked pair, a match, a creation, one listed as
unmatched) and each Shopify product left for step 3 (or, incremental, changed in Shopify only). JOOR
gives no catalog total, so the total is known once its last page is in hand (at once for a catalog
of one page): the styles read plus the Shopify products no style has claimed yet. Until that page's
styles are matched it may still count a product one of them is about to claim; from step 3
on it is exact. Before the last page the job shows how many products so far, without a total.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from joorsync.joor.records import Style
from joorsync.linesheets.passes import linesheets_pass
from joorsync.media.sync import image_sync_of, images_unchanged
from joorsync.pricing.price_lists import price_lists_pass
from joorsync.sync.canonical import CanonicalProduct, flatten
from joorsync.sync.engine import creating, linkrows
from joorsync.sync.engine.joor_side import joor_item
from joorsync.sync.engine.pair import EXCLUDED_KEY, variant_keys_of
from joorsync.sync.engine.settings import comparable
from joorsync.sync.engine.shopify_side import shopify_item
from joorsync.sync.matching import JoorItem, ShopifyItem, match_items
from joorsync.sync.models import DeletePolicy, ProductLink
from joorsync.sync.shopify_mapping import product_to_canonical
from joorsync.sync.spool import JobSpool, Spool

if TYPE_CHECKING:
    from joorsync.sync.engine.run import SyncRun

INCREMENTAL_OVERLAP = timedelta(minutes=5)  # re-read a little before the last run: clocks differ
JOOR_PASS_DONE = "joor_pass_done"  # noqa: S105 - the checkpoint key of a finished JOOR pass
#: A page's new Shopify products are created in up to this many bulk operations, so progress moves
#: while a first sync creates a catalog; each takes at least `CREATE_SLICE_MIN` styles (a bulk
#: operation has a fixed cost, and below 25 products plain productSet calls are used).
CREATE_SLICES = 4
CREATE_SLICE_MIN = 50


class CatalogRun:
    def __init__(self, run: SyncRun, *, incremental: bool) -> None:
        self.run = run
        self.incremental = incremental
        self.shop = run.shop
        self.unlinked: dict[str, ShopifyItem] = {}
        self.handles: dict[str, str] = {}  # every exported product's handle → its id
        self.barcodes: dict[str, str] = {}  # every exported product's barcodes → a product holding it
        self.seen_products: set[str] = set()
        self.seen_styles: set[int] = set()
        self.resumed = False
        self.partial = False  # a style came back unreadable and without an id
        self.settled_exported: set[str] = set()  # incremental: linked products Shopify reported
        self.styles_read: int | None = None  # every style of the JOOR pass, once its last page is read

    def execute(self) -> None:
        spool_dir = JobSpool(self.run.job.pk)
        try:
            products = spool_dir.open("shopify")
            self._export(products, since=self._since() if self.incremental else None)
            checkpoint = self.run.job.checkpoint or {}
            pass_done = bool(checkpoint.get(JOOR_PASS_DONE))
            start_from = int(checkpoint.get("joor_start_from", 0)) if not self.incremental else 0
            done = int(checkpoint.get("done", 0)) if start_from or pass_done else 0
            self.resumed = start_from > 0 or pass_done
            if pass_done:
                self.run.done = done
                self.styles_read = done
                self.run.event(
                    action="resumed_after_joor_pass",
                    message="the JOOR pass had finished before the worker stopped: resuming after it",
                )
            else:
                self._joor_pass(products, start_from=start_from, done=done)
            if self.incremental:
                self._changed_in_shopify_only(products)
            self._finish_unmatched_shopify(products)
            if not self.incremental:
                self._flag_styles_gone()
        finally:
            spool_dir.cleanup()

    def _joor_pass(self, products: Spool, *, start_from: int, done: int) -> None:
        """Step 2, page by page; the last page's checkpoint marks the pass as complete."""
        window: dict[str, Any] = {}
        if self.incremental and self.run.account.last_joor_sync_at is not None:
            window = {"modified_since": self._since(), "modified_until": timezone.now()}
        self.run.done = done
        for page in self.run.joor.pages(
            page_size=self.run.joor_page_size, start_from=start_from, window=window
        ):
            for problem in page.problems:
                self._unreadable(problem.style_id, problem.message)
            next_start = page.envelope.next_start
            if not next_start:
                # The last page: now the total is known (an upper bound until its styles are matched).
                self.styles_read = done + len(page.styles)
                self._refresh_total()
                self.run.report_progress()
            self._page(page.styles, products)
            done += len(page.styles)
            self.run.done = done
            checkpoint: dict[str, Any] = {"joor_start_from": next_start or 0, "done": done}
            if not next_start:
                checkpoint[JOOR_PASS_DONE] = True
            self._refresh_total()
            self.run.report_progress(checkpoint=checkpoint)
        # Also when JOOR listed nothing at all: the post-pass never needs the pages again.
        self.styles_read = done
        self._refresh_total()
        self.run.report_progress(checkpoint={"joor_start_from": 0, "done": done, JOOR_PASS_DONE: True})

    def _refresh_total(self) -> None:
        """The run's total once JOOR's last page is in hand: the styles read plus the Shopify products
        still waiting for a style (and, incremental, the linked products Shopify reported that no
        style has brought up yet). Unknown before."""
        if self.styles_read is None:
            return
        waiting = len(self.settled_exported - self.seen_products) if self.incremental else 0
        self.run.total = self.styles_read + len(self.unlinked) + waiting

    def _since(self) -> datetime | None:
        last = self.run.account.last_joor_sync_at
        return last - INCREMENTAL_OVERLAP if last else None

    def _export(self, products: Spool, *, since: datetime | None) -> None:
        """Spool every product (full) or the recently updated ones (incremental); index those that
        take part in matching (no row, or a row still waiting for a match)."""
        settled = set(
            ProductLink.objects.filter(shop=self.shop)
            .exclude(shopify_product_id="")
            .exclude(status__in=linkrows.OPEN_STATUSES)
            .values_list("shopify_product_id", flat=True)
        )
        for node in self.run.shopify.export(since=since):
            products.put(node["id"], node)
            item = shopify_item(node)
            if node.get("handle"):
                self.handles[str(node["handle"])] = node["id"]
            for barcode in item.barcodes:
                self.barcodes.setdefault(barcode, node["id"])
            if node["id"] not in settled:
                self.unlinked[node["id"]] = item
            elif self.incremental:
                self.settled_exported.add(node["id"])

    def _unreadable(self, style_id: Any, message: str) -> None:
        self.run.counts.errors += 1
        # JOOR still has this style, it just could not be read: never "deleted".
        if str(style_id or "").isdigit():
            self.seen_styles.add(int(style_id))
        else:
            self.partial = True
        self.run.event(
            action="joor_style_unreadable",
            level="warning",
            side="joor",
            message=f"style {style_id}: {message}",
        )

    def _page(self, styles: list[Style], products: Spool) -> None:
        ids = [s.style_id for s in styles if s.style_id is not None]
        links = {
            link.joor_style_id: link
            for link in ProductLink.objects.filter(shop=self.shop, joor_style_id__in=ids).prefetch_related(
                "variant_links"
            )
        }
        image_sync_of(self.run).prefetch(
            [lk.joor_product_id or str(lk.joor_style_id) for lk in links.values()],
            # Exported products carry their variants' images; only the others' are read.
            variant_ids=[
                v.shopify_variant_id
                for lk in links.values()
                if lk.shopify_product_id not in products
                for v in lk.variant_links.all()
            ],
        )
        canon: dict[int, CanonicalProduct] = {}
        pending: list[Style] = []
        for style in styles:
            if style.style_id is None:
                continue
            canon[style.style_id] = self.run.joor.canonical(style)
            link = links.get(style.style_id)
            if link is None or link.status in linkrows.OPEN_STATUSES:
                pending.append(style)
            elif link.status == ProductLink.Status.LINKED:
                self._linked(link, canon[style.style_id], products)
                self.run.advance()
        if pending:
            self._match(pending, canon, products)
        self.run.apply.flush_stock()
        self.seen_styles.update(ids)

    def _linked(self, link: ProductLink, product: CanonicalProduct, products: Spool) -> None:
        from joorsync.sync.engine.run import TRANSIENT_FAILURES

        node = products.get(link.shopify_product_id)
        if node is None and self.incremental:
            try:
                node = self.run.shopify.product(link.shopify_product_id)
            except TRANSIENT_FAILURES as exc:
                self.seen_products.add(link.shopify_product_id)
                self.run.product_failed(exc, link=link)
                return
        if node is None:
            shopify_product_gone(self.run, link)
            return
        self.seen_products.add(link.shopify_product_id)
        self.run.sync_pair(link, product, node)

    def _match(self, styles: list[Style], canon: Mapping[int, CanonicalProduct], products: Spool) -> None:
        items = [joor_item(s) for s in styles]
        self._add_known_holders(items, products)
        keys = _keys_of(items)
        candidates = [p for p in self.unlinked.values() if _touches(p, keys)]
        result = match_items(shopify=candidates, joor=items, require_complete=True)
        by_id = {s.style_id: s for s in styles}
        run = self.run
        for match in result.matches:
            self.unlinked.pop(match.product_id, None)
            self.seen_products.add(match.product_id)
        self._refresh_total()  # the products these styles claimed are not waiting any more
        for match in result.matches:
            style = by_id[match.style_id]
            link = run.apply.link(style=style, product_id=match.product_id, method=match.method)
            if link is not None:  # None: a preview
                node = products.get(match.product_id) or run.shopify.product(match.product_id)
                if node is not None:
                    run.sync_pair(link, canon[match.style_id], node)
            run.advance()
        ambiguous: set[int] = set()
        for amb in result.ambiguous:
            ambiguous.update(amb.style_ids)
            run.event(
                action="ambiguous_match",
                level="warning",
                side="both",
                message=f"{amb.method} matches are ambiguous",
                details={"products": list(amb.product_ids), "styles": list(amb.style_ids)},
            )
            note = f"{amb.method} matches more than one product or style: " + ", ".join(amb.product_ids)
            for sid in amb.style_ids:
                if sid in by_id:
                    run.apply.list_style(
                        style=by_id[sid], product=canon[sid], status=ProductLink.Status.AMBIGUOUS, note=note
                    )
        to_create = [sid for sid in result.unmatched_joor if sid not in ambiguous]
        taken = {**self.barcodes, **{b: pid for pid, item in self.unlinked.items() for b in item.barcodes}}
        for sid in list(to_create):
            style = by_id[sid]
            sharing = sorted({taken[u.upc] for u in style.upcs if u.upc in taken})
            if not sharing:
                continue
            # A product that holds some of this style's UPCs may be this style: never a second one.
            to_create.remove(sid)
            run.apply.list_style(
                style=style,
                product=canon[sid],
                status=ProductLink.Status.AMBIGUOUS,
                note="shares barcodes with Shopify product " + ", ".join(sharing) + ": link it by hand",
            )
        for part in _create_slices(to_create):
            creating.create_in_shopify(run, [(by_id[sid], canon[sid]) for sid in part], handles=self.handles)
            run.advance(len(part))

    def _add_known_holders(self, items: list[JoorItem], products: Spool) -> None:
        """Products outside this run's export (an incremental run reads only recent ones) that hold
        one of these styles' UPCs and wait for a match join the candidates, so a style never gets a
        second Shopify product with the same barcodes."""
        upcs = {u for item in items for u in item.upcs}
        for row in linkrows.links_sharing_barcodes(shop=self.shop, barcodes=upcs):
            if row.status not in linkrows.OPEN_STATUSES or not row.shopify_product_id:
                continue
            if row.shopify_product_id in self.unlinked:
                continue
            node = products.get(row.shopify_product_id) or self.run.shopify.product(row.shopify_product_id)
            if node is not None:
                products.put(node["id"], node)
                self.unlinked[node["id"]] = shopify_item(node)

    def _changed_in_shopify_only(self, products: Spool) -> None:
        """Incremental: linked products Shopify changed whose style JOOR did not change in the window."""
        ids = [pid for pid in products.keys() if pid not in self.seen_products]
        links = list(
            ProductLink.objects.filter(
                shop=self.shop, shopify_product_id__in=ids, status=ProductLink.Status.LINKED
            )
            .exclude(joor_style_id__isnull=True)
            .prefetch_related("variant_links")
        )
        self.run.total = self.run.done + len(links) + len(self.unlinked)
        for link in links:
            self._changed_one(link, products.get(link.shopify_product_id) or {})
            self.run.advance()
        self.run.apply.flush_stock()

    def _changed_one(self, link: ProductLink, node: Mapping[str, Any]) -> None:
        from joorsync.sync.engine.run import TRANSIENT_FAILURES

        if link.joor_style_id is None or shopify_side_unchanged(self.run, link, node):
            return  # e.g. the echo of this app's own write: nothing to read JOOR for
        self.seen_products.add(link.shopify_product_id)
        try:
            style = self.run.joor.style(link.joor_style_id)
        except TRANSIENT_FAILURES as exc:
            self.run.product_failed(exc, link=link)
            return
        self.run.sync_pair(link, self.run.joor.canonical(style), node)

    def _finish_unmatched_shopify(self, products: Spool) -> None:
        """Step 3 in slices of `PROGRESS_EVERY` products, so the job row follows it."""
        from joorsync.sync.engine.run import PROGRESS_EVERY

        waiting = list(self.unlinked)
        self.run.total = self.run.done + len(waiting)
        for start in range(0, len(waiting), PROGRESS_EVERY):
            chunk = waiting[start : start + PROGRESS_EVERY]
            creating.finish_unmatched_shopify(self.run, products, chunk, self.seen_styles)
            self.run.advance(len(chunk))

    def _flag_styles_gone(self) -> None:
        """Full run: linked styles JOOR did not list any more were deleted there. A resumed run did not
        see the pages before its checkpoint, and a run that met a style it could not identify cannot
        tell either: both leave this to the next full run."""
        if self.resumed or self.partial:
            return
        gone = ProductLink.objects.filter(shop=self.shop, status=ProductLink.Status.LINKED).exclude(
            joor_style_id__in=self.seen_styles
        )
        for link in gone:
            joor_style_gone(self.run, link)


def run_catalog(run: SyncRun, *, incremental: bool) -> None:
    CatalogRun(run, incremental=incremental).execute()
    linesheets_pass(run)  # JOOR linesheets ↔ Shopify collections, after the products are in step
    price_lists_pass(run, incremental=incremental)  # JOOR price types → Shopify price lists


def shopify_side_unchanged(run: SyncRun, link: ProductLink, node: Mapping[str, Any]) -> bool:
    """Whether the product still holds exactly what was agreed at the last sync. Content, not
    `updatedAt`: Shopify's timestamps have one-second resolution and move on our own writes."""
    if not link.snapshot or not node:
        return False
    product = product_to_canonical(
        node,
        variant_keys=variant_keys_of(link),
        style_number=link.style_number,
        style_identifier=link.style_identifier,
    )
    snapshot = {k: v for k, v in link.snapshot.items() if k != EXCLUDED_KEY}
    has_prices = any(path.endswith("].price") for path in snapshot)
    current = comparable(flatten(product), settings=run.settings, joor_prices=has_prices)
    return current == snapshot and images_unchanged(link=link, node=node, run=run)


def joor_style_gone(run: SyncRun, link: ProductLink) -> None:
    run.counts.joor["deleted"] += 1
    if not run.apply.mark(link, ProductLink.Status.DELETED_JOOR):
        return  # a preview
    if run.account.delete_policy == DeletePolicy.ARCHIVE and run.settings.allow_write_shopify:
        if run.shopify.archive(link.shopify_product_id):
            run.counts.shopify["deleted"] += 1
    run.event(
        action="deleted_in_joor",
        level="warning",
        side="joor",
        link=link,
        message=f"style {link.style_number} is gone from JOOR",
    )


def shopify_product_gone(run: SyncRun, link: ProductLink) -> None:
    if not run.apply.mark(link, ProductLink.Status.DELETED_SHOPIFY):
        return  # a preview
    run.counts.shopify["deleted"] += 1
    run.event(
        action="deleted_in_shopify",
        level="warning",
        side="shopify",
        link=link,
        message=f"product {link.shopify_product_id} is gone from Shopify; JOOR is left as it is",
    )


def _create_slices(style_ids: list[int]) -> list[list[int]]:
    size = max(CREATE_SLICE_MIN, -(-len(style_ids) // CREATE_SLICES))
    return [style_ids[start : start + size] for start in range(0, len(style_ids), size)]


def _keys_of(items: list[JoorItem]) -> set[object]:
    keys: set[object] = set()
    for item in items:
        keys.add(("id", item.style_id))
        keys.add(("sn", item.style_number, item.style_identifier))
        keys.update(("bc", upc) for upc in item.upcs)
        keys.update(("sku", sku) for sku in item.skus)
    return keys


def _touches(product: ShopifyItem, keys: set[object]) -> bool:
    if ("id", product.style_id) in keys:
        return True
    if (
        product.style_number
        and ("sn", product.style_number, product.style_identifier or product.style_number) in keys
    ):
        return True
    return any(("bc", b) in keys for b in product.barcodes) or any(("sku", s) in keys for s in product.skus)
