"""The sync engine: runs one `SyncJob` (full, incremental or one product) for one shop.

A catalog run joins the two catalogs without holding either in memory:
1. Shopify is exported with one bulk query (full run) or searched by `updated_at` (incremental);
   products are spooled to disk, and only the not-yet-linked ones are indexed for matching.
2. JOOR styles stream in page by page. Per page: linked pairs are merged and written; unlinked
   styles are matched (never guessed) against the Shopify index, linked, and merged — or, when
   nothing in Shopify could be theirs, created there. The page's stock writes go out together,
   then the checkpoint moves past the page.
3. What is left: Shopify products no style claimed (created in JOOR where the direction allows,
   else listed), and links whose style JOOR no longer has (flagged, or archived by policy).

Every write is idempotent (productSet by id or by a handle derived from the style, style writes by
style number, absolute stock levels), so a job that dies anywhere can run again and converge.
"""

from __future__ import annotations

import contextlib
import json
import logging
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.text import slugify

from joorsync.joor.client import JoorClient, JoorNotFound
from joorsync.joor.errors import JoorPermanentError
from joorsync.joor.records import Style
from joorsync.sync.canonical import CanonicalProduct, flatten, snapshot_hash
from joorsync.sync.joor_create import (
    CannotCreate,
    full_grid,
    identifiers_for,
    new_style_prices,
    style_create_v2,
    style_create_v4,
    with_identity,
)
from joorsync.sync.joor_mapping import PriceMapping, style_to_canonical, with_variant_skus
from joorsync.sync.matching import JoorItem, ShopifyItem, match_items
from joorsync.sync.merge import FieldGroup, Ownership
from joorsync.sync.models import (
    ApiGeneration,
    Conflict,
    DeletePolicy,
    Direction,
    JoorAccount,
    ProductLink,
    SyncJob,
)
from joorsync.sync.pairs import (
    Counts,
    PairSettings,
    comparable,
    pair_sync,
    variant_keys_of,
    variant_links_update,
)
from joorsync.sync.shopify_mapping import canonical_to_product_set, product_identity, product_to_canonical
from joorsync.sync.spool import JobSpool, Spool
from joorsync.sync.writes import JoorWrites, ShopifyWrites, WriteError
from shopify_app.admin.bulk import CHILDREN_KEY, run_bulk_query
from shopify_app.admin.client import AdminClient
from shopify_app.admin.errors import ShopifyRequestError, ShopifyTransientError, ShopifyUserErrors
from shopify_app.admin.operations import load_operation

logger = logging.getLogger(__name__)

JOOR_PAGE_SIZE = 500
INCREMENTAL_OVERLAP = timedelta(minutes=5)  # re-read a little before the last run: clocks differ
DEFAULT_WAREHOUSE = "Shopify"
EXPORT_ATTEMPTS = 3

ProgressFn = Callable[..., None]
EventFn = Callable[..., None]


@dataclass(slots=True)
class RunResult:
    counts: Counts
    api: dict[str, int]
    seconds: float
    preview: list[dict[str, Any]] = field(default_factory=list)

    def as_report(self) -> dict[str, Any]:
        return {**self.counts.as_dict(), "api": dict(self.api), "seconds": round(self.seconds, 3)}


def pair_settings_for(account: JoorAccount, *, direction: str) -> PairSettings:
    ownership: dict[FieldGroup, Ownership] = {}
    for group, owner in (account.ownership or {}).items():
        ownership[FieldGroup(group)] = Ownership(owner)
    return PairSettings(
        ownership=ownership,
        allow_write_shopify=direction in (Direction.BOTH, Direction.JOOR_TO_SHOPIFY),
        allow_write_joor=direction in (Direction.BOTH, Direction.SHOPIFY_TO_JOOR),
        # Styles are read through v2 (v4 credentials work there too), which has no SKU strings.
        joor_has_skus=False,
        compare_at_mapped=bool(account.compare_at_field),
        initial_winner=Ownership.SHOPIFY if direction == Direction.SHOPIFY_TO_JOOR else Ownership.JOOR,
    )


def price_mapping_for(account: JoorAccount) -> PriceMapping:
    return PriceMapping(
        label=account.price_label,
        currency=account.price_currency,
        price_field=account.price_field or "price_retail",
        compare_at_field=account.compare_at_field,
    )


def style_handle(style_number: str, style_id: int | None) -> str:
    """The handle a product created for a style gets: readable, and unique through the style id, so
    creating it again after a crash finds the same product instead of making a second one."""
    base = slugify(style_number)[:200] or "style"
    return f"{base}-{style_id}" if style_id is not None else base


def generated_skus(product: CanonicalProduct) -> CanonicalProduct:
    """JOOR v2 has no SKU strings; new Shopify variants get `<style number>-<color>-<size>`."""
    return with_variant_skus(
        product,
        {
            (v.color_code, v.size): v.sku or f"{product.style_number}-{v.color_code}-{v.size}"
            for v in product.variants
        },
    )


class SyncRun:
    """One execution of one job. Construct with the job and both clients, then `run()`."""

    def __init__(
        self,
        *,
        job: SyncJob,
        joor: JoorClient,
        shopify: AdminClient,
        progress: ProgressFn | None = None,
        event: EventFn | None = None,
        bulk_poll_interval: float = 1.0,
        joor_page_size: int = JOOR_PAGE_SIZE,
    ) -> None:
        self.job = job
        self.shop = job.shop
        self.account: JoorAccount = job.shop.joor_account
        self.joor = joor
        self.shopify = shopify
        self.dry_run = job.dry_run
        self.direction = job.direction or self.account.direction
        self.settings = pair_settings_for(self.account, direction=self.direction)
        self.prices = price_mapping_for(self.account)
        self.counts = Counts()
        self.preview: list[dict[str, Any]] = []
        self._progress = progress or (lambda **kwargs: None)
        self._event = event or (lambda **kwargs: None)
        self._bulk_poll_interval = bulk_poll_interval
        self._joor_page_size = joor_page_size
        self._location_id: str | None = None
        self._currency = ""
        self._started = time.monotonic()
        self._joor_usage_start = _joor_usage(joor)
        self._shopify_usage_start = dict(shopify.usage)
        self._seen_styles: set[int] = set()
        self._done = 0
        self._resumed = False
        self._partial = False  # a style came back unreadable and without an id
        self.shopify_writes: ShopifyWrites | None = None
        self.joor_writes: JoorWrites | None = None

    # ------------------------------------------------------------------ entry

    def run(self) -> RunResult:
        if not self.dry_run:
            self.shopify_writes = ShopifyWrites(
                client=self.shopify,
                location_id=self.location_id,
                idempotency_prefix=f"joorsync-job-{self.job.pk}-{self.job.attempts}",
            )
            self.joor_writes = JoorWrites(client=self.joor, prices=self.prices, warehouse=self.warehouse)
        if self.job.kind == SyncJob.Kind.TARGETED or self.job.kind == SyncJob.Kind.RESOLVE:
            self._run_targeted(self.job.target or {})
        else:
            self._run_catalog(incremental=self.job.kind == SyncJob.Kind.INCREMENTAL)
            self._event(action="summary", message=_summary(self.counts, dry_run=self.dry_run))
        return RunResult(
            counts=self.counts,
            api=self.api_usage(),
            seconds=time.monotonic() - self._started,
            preview=self.preview,
        )

    def report_final(self, result: RunResult) -> None:
        """The job row gets the final counters and API usage (what `sync --json` prints)."""
        self._progress(
            done=self._done,
            counters={**result.counts.as_dict(), "seconds": round(result.seconds, 3)},
            api_usage=result.api,
        )

    def api_usage(self) -> dict[str, int]:
        joor_now = _joor_usage(self.joor)
        shopify_now = self.shopify.usage
        return {
            "joor_requests": joor_now["requests"] - self._joor_usage_start["requests"],
            "joor_credits": joor_now["credits"] - self._joor_usage_start["credits"],
            "shopify_requests": shopify_now.get("requests", 0) - self._shopify_usage_start.get("requests", 0),
            "shopify_cost": shopify_now.get("cost", 0) - self._shopify_usage_start.get("cost", 0),
        }

    @property
    def location_id(self) -> str | None:
        if self._location_id is None:
            mapped = list((self.account.location_warehouses or {}).keys())
            if mapped:
                self._location_id = mapped[0]
            else:
                locations = self.shopify.locations()
                self._location_id = locations[0].id if locations else ""
        return self._location_id or None

    @property
    def warehouse(self) -> str:
        mapped = list((self.account.location_warehouses or {}).values())
        return mapped[0] if mapped else DEFAULT_WAREHOUSE

    # ------------------------------------------------------------------ catalog runs

    def _run_catalog(self, *, incremental: bool) -> None:
        spool_dir = JobSpool(self.job.pk)
        try:
            products = spool_dir.open("shopify")
            since = self._since() if incremental else None
            unlinked = self._export_shopify(products, since=since)
            seen_products: set[str] = set()
            start_from = int((self.job.checkpoint or {}).get("joor_start_from", 0)) if not incremental else 0
            done = int((self.job.checkpoint or {}).get("done", 0)) if start_from else 0
            self._resumed = start_from > 0
            windows: dict[str, Any] = {}
            if since is not None:
                windows = {"modified_since": since, "modified_until": timezone.now()}
            for page in self.joor.iter_style_pages(
                page_size=self._joor_page_size, start_from=start_from, **windows
            ):
                for problem in page.problems:
                    self.counts.errors += 1
                    # JOOR still has this style, it just could not be read: never "deleted".
                    if str(problem.style_id or "").isdigit():
                        self._seen_styles.add(int(problem.style_id))
                    else:
                        self._partial = True
                    self._event(
                        action="joor_style_unreadable",
                        level="warning",
                        side="joor",
                        message=f"style {problem.style_id}: {problem.message}",
                    )
                self._sync_page(
                    page.styles,
                    products=products,
                    unlinked=unlinked,
                    seen=seen_products,
                    incremental=incremental,
                )
                done += len(page.styles)
                self._done = done
                next_start = page.envelope.next_start
                self._progress(
                    done=done,
                    counters=self.counts.as_dict(),
                    api_usage=self.api_usage(),
                    checkpoint={"joor_start_from": next_start or 0, "done": done},
                )
            if incremental:
                self._sync_changed_shopify_only(products, seen=seen_products)
            self._finish_unmatched_shopify(products, unlinked=unlinked)
            if not incremental:
                self._flag_styles_gone()
        finally:
            spool_dir.cleanup()

    def _since(self) -> datetime | None:
        last = self.account.last_joor_sync_at
        return last - INCREMENTAL_OVERLAP if last else None

    def _export_shopify(self, products: Spool, *, since: datetime | None) -> dict[str, ShopifyItem]:
        """Spool every product (full) or the recently updated ones (incremental); index the unlinked."""
        linked = set(
            ProductLink.objects.filter(shop=self.shop)
            .exclude(shopify_product_id="")
            .values_list("shopify_product_id", flat=True)
        )
        unlinked: dict[str, ShopifyItem] = {}
        for node in self._shopify_products(since=since):
            products.put(node["id"], node)
            if node["id"] not in linked:
                unlinked[node["id"]] = _shopify_item(node)
        return unlinked

    def _shopify_products(self, *, since: datetime | None) -> Iterator[dict[str, Any]]:
        """Every product, or those updated since `since`, through a bulk query: bulk operations do
        not draw on the cost bucket that paged product queries (with their variants) drain fast."""
        search = None
        if since is not None:
            search = f"updated_at:>'{since.astimezone(UTC).strftime('%Y-%m-%dT%H:%M:%SZ')}'"
        for root in self._bulk_export(search):
            children = root.pop(CHILDREN_KEY, {})
            root["variants"] = {"nodes": children.get("ProductVariant", [])}
            root["metafields"] = {"nodes": children.get("Metafield", [])}
            yield root

    def _bulk_export(self, search: str | None) -> Iterator[dict[str, Any]]:
        """The bulk export, started again when starting it failed in transit: a bulk query only
        reads, so a second one is harmless (Shopify runs several at once)."""
        document = products_export_query(search)
        for attempt in range(1, EXPORT_ATTEMPTS + 1):
            try:
                result = run_bulk_query(self.shopify, document, poll_interval=self._bulk_poll_interval)
                break
            except ShopifyTransientError:
                if attempt == EXPORT_ATTEMPTS:
                    raise
        return iter(result)

    def _sync_page(
        self,
        styles: list[Style],
        *,
        products: Spool,
        unlinked: dict[str, ShopifyItem],
        seen: set[str],
        incremental: bool,
    ) -> None:
        ids = [s.style_id for s in styles if s.style_id is not None]
        links = {
            link.joor_style_id: link
            for link in ProductLink.objects.filter(shop=self.shop, joor_style_id__in=ids).prefetch_related(
                "variant_links"
            )
        }
        canon: dict[int, CanonicalProduct] = {}
        pending: list[Style] = []
        for style in styles:
            if style.style_id is None:
                continue
            canon[style.style_id] = style_to_canonical(style, prices=self.prices)
            link = links.get(style.style_id)
            if link is None:
                pending.append(style)
                continue
            self._sync_linked(
                link, canon[style.style_id], products=products, seen=seen, incremental=incremental
            )
        if pending:
            self._link_or_create(pending, canon, products=products, unlinked=unlinked, seen=seen)
        self._flush_stock()
        self._seen_styles.update(ids)

    def _sync_linked(
        self,
        link: ProductLink,
        product: CanonicalProduct,
        *,
        products: Spool,
        seen: set[str],
        incremental: bool,
    ) -> None:
        if link.status not in (ProductLink.Status.LINKED,):
            return  # unlinked, deleted or ambiguous: waits for a person
        node = products.get(link.shopify_product_id)
        if node is None and incremental:
            node = self.shopify.product(link.shopify_product_id)
        if node is None:
            self._shopify_product_gone(link)
            return
        seen.add(link.shopify_product_id)
        self._pair(link, product, node)

    def _pair(self, link: ProductLink, product: CanonicalProduct, node: Mapping[str, Any]) -> None:
        try:
            pair_sync(
                job=self.job,
                link=link,
                joor_product=product,
                shopify_node=node,
                settings=self.settings,
                shopify_writes=self.shopify_writes,
                joor_writes=self.joor_writes,
                counts=self.counts,
                preview=self.preview,
            )
        except (WriteError, ShopifyUserErrors, ShopifyRequestError) as exc:
            self.counts.errors += 1
            self._event(action="write_failed", level="error", link=link, message=str(exc))

    def _link_or_create(
        self,
        styles: list[Style],
        canon: Mapping[int, CanonicalProduct],
        *,
        products: Spool,
        unlinked: dict[str, ShopifyItem],
        seen: set[str],
    ) -> None:
        items = [_joor_item(s) for s in styles]
        keys = _keys_of(items)
        candidates = [p for p in unlinked.values() if _touches(p, keys)]
        result = match_items(shopify=candidates, joor=items, require_complete=True)
        by_id = {s.style_id: s for s in styles}
        for match in result.matches:
            style = by_id[match.style_id]
            unlinked.pop(match.product_id, None)
            seen.add(match.product_id)
            if self.dry_run:
                self.preview.append(
                    {
                        "link": match.method,
                        "style_number": style.style_number,
                        "shopify_product_id": match.product_id,
                    }
                )
                continue
            link = self._link(style, match.product_id, method=match.method)
            node = products.get(match.product_id) or self.shopify.product(match.product_id)
            if node is not None:
                self._pair(link, canon[match.style_id], node)
        ambiguous_styles = {sid for a in result.ambiguous for sid in a.style_ids}
        for amb in result.ambiguous:
            self.counts.errors += 0  # not an error: a decision for a person
            self._event(
                action="ambiguous_match",
                level="warning",
                side="both",
                message=f"{amb.method} matches are ambiguous",
                details={"products": list(amb.product_ids), "styles": list(amb.style_ids)},
            )
            if not self.dry_run:
                for sid in amb.style_ids:
                    if sid in by_id:
                        self._record_unlinked(by_id[sid], status=ProductLink.Status.AMBIGUOUS)
        to_create = [by_id[sid] for sid in result.unmatched_joor if sid not in ambiguous_styles]
        if not to_create:
            return
        if not self.settings.allow_write_shopify:
            if not self.dry_run:
                for style in to_create:
                    self._record_unlinked(style, status=ProductLink.Status.UNMATCHED_JOOR)
            return
        self._create_in_shopify(to_create, canon)

    def _create_in_shopify(self, styles: list[Style], canon: Mapping[int, CanonicalProduct]) -> None:
        if self.dry_run:
            for style in styles:
                self.counts.shopify["created"] += 1
                if len(self.preview) < 200:
                    self.preview.append({"create_in_shopify": style.style_number, "style_id": style.style_id})
            return
        assert self.shopify_writes is not None
        made: dict[int, CanonicalProduct] = {}
        for style in styles:
            product = generated_skus(canon[style.style_id])
            made[style.style_id] = product
            payload = canonical_to_product_set(
                product,
                style_id=style.style_id,
                status="ACTIVE",
                location_id=self.location_id,
                include_inventory=bool(self.location_id),
            )
            payload["handle"] = style_handle(product.style_number, style.style_id)
            self.shopify_writes.create_product(
                payload=payload, handle=payload["handle"], token=style.style_id
            )
        by_id = {s.style_id: s for s in styles}
        for style_id, node, error in self.shopify_writes.flush_creates():
            style = by_id[style_id]
            product_id = (node or {}).get("id")
            if error or not product_id:
                self.counts.errors += 1
                self._event(
                    action="create_failed",
                    level="error",
                    side="shopify",
                    message=f"style {style.style_number}: {error or 'no product id returned'}",
                )
                continue
            link = self._link(style, product_id, method=ProductLink.Method.CREATED)
            product = made[style_id]
            snapshot = flatten(product)
            with transaction.atomic():
                ProductLink.objects.filter(pk=link.pk).update(
                    snapshot=_comparable_snapshot(snapshot, self.settings, product),
                    snapshot_hash=snapshot_hash(snapshot),
                    last_synced_at=timezone.now(),
                    shopify_updated_at=parse_datetime(str((node or {}).get("updatedAt") or "")),
                    shopify_title=(product.title or product.style_number)[:255],
                )
                # With a whole product in the answer the variant ids are known now; after a bulk
                # create they are filled in by the next run that reads the product.
                full = node if node and "variants" in node else None
                variant_links_update(link=link, shopify_node=full, joor_product=product)
            self.counts.shopify["created"] += 1

    def _link(self, style: Style, product_id: str, *, method: str) -> ProductLink:
        """Create or complete the link row for a style (a row may exist as unmatched/ambiguous)."""
        with transaction.atomic():
            link = (
                ProductLink.objects.select_for_update()
                .filter(shop=self.shop, joor_style_id=style.style_id)
                .first()
            )
            if link is None:
                link = ProductLink(shop=self.shop, joor_style_id=style.style_id)
            link.shopify_product_id = product_id
            link.status = ProductLink.Status.LINKED
            link.method = method
            link.style_number = style.style_number or ""
            link.style_identifier = style.style_identifier or ""
            link.joor_name = (style.style_name or "")[:255]
            link.save()
            ProductLink.objects.filter(shop=self.shop, shopify_product_id=product_id).exclude(
                pk=link.pk
            ).delete()
        return link

    def _record_unlinked(self, style: Style, *, status: str) -> None:
        ProductLink.objects.update_or_create(
            shop=self.shop,
            joor_style_id=style.style_id,
            defaults={
                "status": status,
                "style_number": style.style_number or "",
                "style_identifier": style.style_identifier or "",
                "joor_name": (style.style_name or "")[:255],
            },
        )

    def _flush_stock(self) -> None:
        if self.dry_run:
            return
        assert self.shopify_writes is not None and self.joor_writes is not None
        self.shopify_writes.flush_quantities()
        for failure in self.joor_writes.flush_quantities():
            self.counts.errors += 1
            self._event(action="stock_write_failed", level="error", side="joor", message=failure)

    def _sync_changed_shopify_only(self, products: Spool, *, seen: set[str]) -> None:
        """Incremental: products Shopify changed whose style JOOR did not change in the window."""
        ids = [pid for pid in products.keys() if pid not in seen]
        links = ProductLink.objects.filter(
            shop=self.shop, shopify_product_id__in=ids, status=ProductLink.Status.LINKED
        ).prefetch_related("variant_links")
        for link in links:
            if link.joor_style_id is None:
                continue
            node = products.get(link.shopify_product_id) or {}
            if self._shopify_side_unchanged(link, node):
                continue  # e.g. the echo of this app's own write: nothing to read JOOR for
            style = self.joor.get_style(link.joor_style_id)
            seen.add(link.shopify_product_id)
            self._pair(
                link, style_to_canonical(style, prices=self.prices), products.get(link.shopify_product_id)
            )
        self._flush_stock()

    def _shopify_side_unchanged(self, link: ProductLink, node: Mapping[str, Any]) -> bool:
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
        has_prices = any(path.endswith("].price") for path in link.snapshot)
        return comparable(flatten(product), settings=self.settings, joor_prices=has_prices) == link.snapshot

    def _finish_unmatched_shopify(self, products: Spool, *, unlinked: Mapping[str, ShopifyItem]) -> None:
        """Products no style claimed: created in JOOR where the direction allows and JOOR can take
        them, otherwise listed for a person with the reason."""
        for product_id in unlinked:
            node = products.get(product_id) or {}
            note = "no JOOR style matches this product"
            if self.settings.allow_write_joor:
                try:
                    if self._create_in_joor(product_id, node):
                        continue
                except CannotCreate as exc:
                    note = str(exc)
                except JoorPermanentError as exc:
                    self.counts.errors += 1
                    note = f"JOOR refused the new style: {exc}"
                    self._event(action="create_failed", level="error", side="joor", message=note)
            if self.dry_run:
                continue
            link, _ = ProductLink.objects.get_or_create(
                shop=self.shop,
                shopify_product_id=product_id,
                defaults={
                    "status": ProductLink.Status.UNMATCHED_SHOPIFY,
                    "shopify_title": str(node.get("title") or "")[:255],
                    "note": note,
                },
            )
            if link.status == ProductLink.Status.UNMATCHED_SHOPIFY and link.note != note:
                ProductLink.objects.filter(pk=link.pk).update(note=note)

    def _create_in_joor(self, product_id: str, node: Mapping[str, Any]) -> bool:
        shopify_product = product_to_canonical(node)
        if not shopify_product.variants:
            raise CannotCreate("the product has no Color and Size variants for a JOOR style")
        number, identifier = identifiers_for(str(node.get("legacyResourceId") or ""), shopify_product)
        shopify_product = with_identity(shopify_product, number, identifier)
        grid = full_grid(shopify_product)
        new = new_style_prices(
            grid, prices=self.prices, currency=self.currency, factor=self.account.wholesale_factor
        )
        if self.dry_run:
            self.counts.joor["created"] += 1
            self.preview.append({"create_in_joor": number, "shopify_product_id": product_id})
            return True
        if self.account.api_generation == ApiGeneration.V4:
            style = style_create_v4(self.joor, grid, new=new)
        else:
            style = style_create_v2(self.joor, grid, prices=self.prices, new=new)
        link = self._link(style, product_id, method=ProductLink.Method.CREATED)
        self._seen_styles.add(int(style.style_id or 0))
        snapshot = _created_in_joor_base(
            flatten(shopify_product), flatten(style_to_canonical(style, prices=self.prices)), self.settings
        )
        with transaction.atomic():
            ProductLink.objects.filter(pk=link.pk).update(
                snapshot=snapshot, snapshot_hash=snapshot_hash(snapshot), last_synced_at=timezone.now()
            )
            variant_links_update(link=link, shopify_node=node, joor_product=grid)
        self.counts.joor["created"] += 1
        self._event(
            action="created_in_joor",
            side="joor",
            link=link,
            message=f"style {number} created in JOOR from a Shopify product",
        )
        return True

    @property
    def currency(self) -> str:
        if not self._currency:
            self._currency = self.account.price_currency or self.shopify.shop().currency_code
        return self._currency

    def _flag_styles_gone(self) -> None:
        """Full run: linked styles JOOR did not list any more were deleted there. A resumed run did not
        see the pages before its checkpoint, and a run that met a style it could not identify cannot
        tell either: both leave this to the next full run."""
        if self.dry_run or self._resumed or self._partial:
            return
        gone = ProductLink.objects.filter(shop=self.shop, status=ProductLink.Status.LINKED).exclude(
            joor_style_id__in=self._seen_styles
        )
        for link in gone:
            self._joor_style_gone(link)

    def _joor_style_gone(self, link: ProductLink) -> None:
        link.status = ProductLink.Status.DELETED_JOOR
        link.save(update_fields=["status", "updated_at"])
        self.counts.joor["deleted"] += 1
        if self.account.delete_policy == DeletePolicy.ARCHIVE and self.settings.allow_write_shopify:
            result = self.shopify.product_update({"id": link.shopify_product_id, "status": "ARCHIVED"})
            if not result.user_errors:
                self.counts.shopify["deleted"] += 1
        self._event(
            action="deleted_in_joor",
            level="warning",
            side="joor",
            link=link,
            message=f"style {link.style_number} is gone from JOOR",
        )

    def _shopify_product_gone(self, link: ProductLink) -> None:
        if self.dry_run:
            return
        link.status = ProductLink.Status.DELETED_SHOPIFY
        link.save(update_fields=["status", "updated_at"])
        self.counts.shopify["deleted"] += 1
        self._event(
            action="deleted_in_shopify",
            level="warning",
            side="shopify",
            link=link,
            message=f"product {link.shopify_product_id} is gone from Shopify; JOOR is left as it is",
        )

    # ------------------------------------------------------------------ one product

    def _run_targeted(self, target: Mapping[str, Any]) -> None:
        link = None
        if target.get("link_id"):
            link = ProductLink.objects.filter(shop=self.shop, pk=target["link_id"]).first()
        elif target.get("shopify_product_id"):
            link = ProductLink.objects.filter(
                shop=self.shop, shopify_product_id=target["shopify_product_id"]
            ).first()
        elif target.get("joor_style_id"):
            link = ProductLink.objects.filter(shop=self.shop, joor_style_id=target["joor_style_id"]).first()
        node: Mapping[str, Any] | None = None
        if link is None and target.get("shopify_product_id"):
            link, node = self._link_new_shopify_product(str(target["shopify_product_id"]))
        if link is None or link.status != ProductLink.Status.LINKED or link.joor_style_id is None:
            self._event(
                action="targeted_skipped",
                level="info",
                message="no linked pair for this target",
                details=dict(target),
            )
            return
        node = node or self.shopify.product(link.shopify_product_id)
        if node is None:
            self._shopify_product_gone(link)
            return
        if (
            self.job.trigger == SyncJob.Trigger.WEBHOOK
            and self._shopify_side_unchanged(link, node)
            and not link.conflicts.filter(status=Conflict.Status.RESOLVED, applied_at__isnull=True).exists()
        ):
            # The webhook reported this app's own write: Shopify holds what was agreed, so there is
            # nothing to carry to JOOR and no JOOR credit to spend finding that out.
            self._done = 1
            return
        style = self.joor.get_style(link.joor_style_id)
        self._pair(link, style_to_canonical(style, prices=self.prices), node)
        self._flush_stock()
        self._done = 1

    def _link_new_shopify_product(
        self, product_id: str
    ) -> tuple[ProductLink | None, Mapping[str, Any] | None]:
        """A product created in Shopify: linked at once when it names its style (the identity
        metafields); matching by barcode needs the whole JOOR catalog and waits for a full run."""
        node = self.shopify.product(product_id)
        if node is None:
            return None, None
        identity = product_identity(node)
        style: Style | None = None
        method = ""
        try:
            if str(identity.get("style_id") or "").isdigit():
                style, method = (
                    self.joor.get_style(int(identity["style_id"])),
                    ProductLink.Method.STYLE_NUMBER,
                )
            elif identity.get("style_number"):
                number = str(identity["style_number"])
                style = self.joor.get_style_by_number(number, str(identity.get("style_identifier") or number))
                method = ProductLink.Method.STYLE_NUMBER
        except JoorNotFound:
            style = None
        if style is None or style.style_id is None:
            if not self.dry_run:
                ProductLink.objects.get_or_create(
                    shop=self.shop,
                    shopify_product_id=product_id,
                    defaults={
                        "status": ProductLink.Status.UNMATCHED_SHOPIFY,
                        "shopify_title": str(node.get("title") or "")[:255],
                    },
                )
            return None, node
        taken = ProductLink.objects.filter(
            shop=self.shop, joor_style_id=style.style_id, status=ProductLink.Status.LINKED
        ).exclude(shopify_product_id=product_id)
        if taken.exists() or self.dry_run:
            self._event(
                action="ambiguous_match",
                level="warning",
                side="both",
                message=f"style {style.style_number} is already linked to another product",
                details={"products": [product_id], "styles": [style.style_id]},
            )
            return None, node
        return self._link(style, product_id, method=method), node


def _summary(counts: Counts, *, dry_run: bool) -> str:
    def side(name: str, numbers: Mapping[str, int]) -> str:
        return f"{name}: " + ", ".join(f"{count} {what}" for what, count in numbers.items())

    verb = "Would change" if dry_run else "Done"
    return (
        f"{verb}. {side('Shopify', counts.shopify)}; {side('JOOR', counts.joor)}; "
        f"{counts.conflicts} new conflicts; {counts.errors} errors."
    )


def products_export_query(search: str | None) -> str:
    """`ProductsExport.graphql`, narrowed by a product search when given. A bulk query takes no
    variables, so the search goes into the document as a string literal (JSON quoting is valid
    GraphQL string syntax)."""
    document = load_operation("ProductsExport")
    if search is None:
        return document
    return document.replace("products {", f"products(query: {json.dumps(search)}) {{", 1)


def _created_in_joor_base(
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


def _comparable_snapshot(flat: Mapping[str, Any], settings: PairSettings, product: CanonicalProduct) -> dict:
    return comparable(flat, settings=settings, joor_prices=any(v.price is not None for v in product.variants))


def _joor_usage(client: JoorClient) -> dict[str, int]:
    usage = client.usage
    return {"requests": int(getattr(usage, "requests", 0)), "credits": int(getattr(usage, "credits", 0))}


def _joor_item(style: Style) -> JoorItem:
    return JoorItem(
        style_id=int(style.style_id or 0),
        style_number=style.style_number or "",
        style_identifier=style.style_identifier or "",
        upcs=frozenset(u.upc for u in style.upcs if u.upc),
    )


def _shopify_item(node: Mapping[str, Any]) -> ShopifyItem:
    identity = product_identity(node)
    variants = node.get("variants") or {}
    nodes = variants.get("nodes", []) if isinstance(variants, dict) else variants
    style_id = identity.get("style_id")
    return ShopifyItem(
        product_id=node["id"],
        barcodes=frozenset(v["barcode"] for v in nodes if v.get("barcode")),
        skus=frozenset(v["sku"] for v in nodes if v.get("sku")),
        style_id=int(style_id) if isinstance(style_id, int | str) and str(style_id).isdigit() else None,
        style_number=str(identity.get("style_number") or ""),
        style_identifier=str(identity.get("style_identifier") or ""),
    )


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


def sync_run(
    *,
    job: SyncJob,
    joor: JoorClient | None = None,
    shopify: AdminClient | None = None,
    progress: ProgressFn | None = None,
    event: EventFn | None = None,
) -> RunResult:
    """Run `job` (already claimed as running) to the end; raise on a failure worth a retry.

    Clients default to the shop's own (credentials from the database); progress and events go to the
    job's row and event log.
    """
    from joorsync.sync import clients, jobs

    account = job.shop.joor_account
    owned = []
    if joor is None:
        joor = clients.joor_client_for(account=account)
        owned.append(joor)
    if shopify is None:
        shopify = clients.shopify_client_for(shop=job.shop)
        owned.append(shopify)
    started_at = timezone.now()
    run = SyncRun(
        job=job,
        joor=joor,
        shopify=shopify,
        progress=progress or (lambda **kw: jobs.sync_job_progress(job=job, **kw)),
        event=event or (lambda **kw: jobs.sync_event_record(job=job, **kw)),
    )
    # A worker's job proves it is alive even while it waits (a bulk operation, JOOR's credit window).
    beating = jobs.sync_job_heartbeat_thread(job=job) if progress is None else contextlib.nullcontext()
    try:
        with beating:
            result = run.run()
            run.report_final(result)
    finally:
        for client in owned:
            client.close()
    if job.dry_run:
        SyncJob.objects.filter(pk=job.pk).update(plan=result.preview)
    if not job.dry_run and job.kind in (SyncJob.Kind.FULL, SyncJob.Kind.INCREMENTAL):
        JoorAccount.objects.filter(pk=account.pk).update(
            last_joor_sync_at=started_at, last_shopify_sync_at=started_at
        )
    return result
