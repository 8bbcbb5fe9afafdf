"""JOOR linesheets → Shopify collections.

Each delivery the linked products agreed on is a custom collection sorted MANUAL: its products in
JOOR's `style_display_order`, its ship window and season in `joor.*` collection metafields, its title
the delivery's name. Writes are batched (250 products per add, remove or reorder call) and a
collection's state is read back only when someone else changed it since the app's last writes (its
`updatedAt`, and its first page of products while that `updatedAt` is the second of the app's own
write). Before creating, the collections already made for a linesheet are looked up, so a creation
whose answer was lost is taken over, never made twice. A collection Shopify refuses becomes a problem
of that collection; the pass goes on.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from joorsync.linesheets.models import LinesheetLink
from joorsync.linesheets.plan import (
    KEY_METAFIELD,
    LOOKUPS_PER_QUERY,
    METAFIELD_NAMESPACE,
    MOVES_PER_CALL,
    Linesheet,
    MembershipPlan,
    Refused,
    attrs_changes,
    chunks,
    linesheet_refusals,
    linesheets_from_snapshots,
    lookup_terms,
    membership_plan,
    metafield_inputs,
    order_agreed,
    title_change,
)
from joorsync.linesheets.selectors import linked_deliveries
from shopify_app.admin import collections as api
from shopify_app.admin.errors import ShopifyAuthError, ShopifyError
from shopify_app.admin.media import Job, job_await

if TYPE_CHECKING:
    from joorsync.linesheets.passes import LinesheetPass

IDS_PER_QUERY = 50  # collection ids per `collections(query: "id:… OR …")` read
#: How long after a collection's `updatedAt` second a read of its order is taken as final: the
#: second itself, plus one for the clocks of Shopify and of this server.
SETTLED_AFTER = timedelta(seconds=2)


class CollectionRefused(Exception):
    """Shopify refused a write to one collection (its user errors)."""


@dataclass(slots=True)
class Outcome:
    """What one collection's sync did (for its events and the pass summary)."""

    created: bool = False
    plan: MembershipPlan = field(default_factory=MembershipPlan)
    attrs: dict[str, Any] = field(default_factory=dict)
    kept: list[str] = field(default_factory=list)
    last_job: Job | None = None
    seen_updated_at: str = ""  # the collection's `updatedAt` when its products had to be read
    seen_count: int | None = None
    adopted: bool = False  # found in Shopify (an earlier creation whose answer was lost)
    title_kept: tuple[str, str] | None = None  # (a person's title kept, JOOR's new name)
    order_checked_at: str = ""  # the `updatedAt` whose order this run read and found settled


class JoorToShopify:
    def __init__(self, owner: LinesheetPass) -> None:
        self.owner = owner
        self.client = owner.run.shopify.client
        self.written: dict[str, tuple[LinesheetLink, int, Job | None]] = {}

    def execute(self, links: dict[str, LinesheetLink]) -> None:
        sheets = linesheets_from_snapshots(linked_deliveries(shop=self.owner.shop))
        mine = {
            key: link
            for key, link in links.items()
            if link.origin == LinesheetLink.Origin.JOOR and link.status != LinesheetLink.Status.GONE_SHOPIFY
        }
        remote = self._read(
            [link.shopify_collection_id for link in mine.values() if link.shopify_collection_id]
        )
        todo = []
        for key in sorted(sheets):
            link = links.get(key)
            if link is not None and link.origin != LinesheetLink.Origin.JOOR:
                continue  # a Shopify collection sent to JOOR: that side owns it
            if link is not None and link.status == LinesheetLink.Status.GONE_SHOPIFY:
                continue  # deleted in Shopify by a person: never made again behind their back
            todo.append((sheets[key], link))
        found = self._lookup(
            [sheet for sheet, link in todo if link is None or not link.shopify_collection_id],
            taken={link.shopify_collection_id for link in links.values() if link.shopify_collection_id},
        )
        for sheet, link in todo:
            self._one(sheet, link, remote, found.get(sheet.key))
        for key, link in mine.items():
            if key not in sheets and link.status == LinesheetLink.Status.ACTIVE:
                self._gone_from_joor(link)
        self._confirm()

    # ------------------------------------------------------------------ reads

    def _read(self, ids: list[str]) -> dict[str, dict[str, Any]]:
        """The collections' current `updatedAt` and product count, in one query per 50 ids."""
        found: dict[str, dict[str, Any]] = {}
        for part in chunks([i for i in ids if i], IDS_PER_QUERY):
            query = " OR ".join(f"id:{gid.rsplit('/', 1)[-1]}" for gid in part)
            for raw in self.client.paginate("Collections", {"first": 250, "query": query}, "collections"):
                found[raw["id"]] = raw
        return found

    def _lookup(self, sheets: list[Linesheet], *, taken: set[str]) -> dict[str, api.FoundCollection]:
        """Before creating: the collections already made for these linesheets (an earlier creation
        whose answer was lost, or one made before the app was installed again), found by the handle
        and title they were made with and recognised by the app's `joor.linesheet` metafield (or,
        made before that metafield, `joor.delivery_code`). The oldest wins; one query per 25."""
        if self.owner.preview:
            return {}
        wanted = {sheet.key: sheet for sheet in sheets if sheet.attrs()["title"]}
        found: dict[str, api.FoundCollection] = {}
        for part in chunks(sorted(wanted), LOOKUPS_PER_QUERY):
            terms = [term for key in part for term in lookup_terms(wanted[key].attrs()["title"])]
            for hit in api.collections_lookup(self.client, query=" OR ".join(terms)):
                if hit.collection.id in taken or hit.collection.smart:
                    continue
                key = hit.linesheet or hit.delivery_code
                if key in wanted and key not in found:
                    found[key] = hit
        return found

    # ------------------------------------------------------------------ one collection

    def _one(
        self,
        sheet: Linesheet,
        link: LinesheetLink | None,
        remote: Mapping[str, Mapping[str, Any]],
        found: api.FoundCollection | None,
    ) -> None:
        owner = self.owner
        refusals = linesheet_refusals(sheet)
        wanted_attrs = sheet.attrs()
        wanted = sheet.members()
        if link is not None and link.shopify_collection_id and link.shopify_collection_id not in remote:
            self._deleted_in_shopify(link)
            return
        if owner.preview:
            owner.counts.preview(
                sheet.key, created=link is None, wanted=wanted, base=link.members if link else []
            )
            return
        if link is None:
            link = LinesheetLink.objects.create(
                shop=owner.shop,
                origin=LinesheetLink.Origin.JOOR,
                joor_key=sheet.key,
                title=wanted_attrs["title"],
            )
        if refusals:
            owner.problems(link, refusals)
            return
        try:
            outcome = self._write(
                link, sheet, wanted, wanted_attrs, remote.get(link.shopify_collection_id), found
            )
        except CollectionRefused as exc:
            owner.problems(link, [Refused("shopify_refused", f"Shopify refused the collection: {exc}")])
            return
        except ShopifyAuthError:
            raise
        except ShopifyError as exc:
            owner.problems(link, [Refused("shopify_failed", f"Shopify did not take the collection: {exc}")])
            return
        owner.problems(link, [])
        agreed_attrs = {**wanted_attrs, **{name: link.attrs.get(name) for name in outcome.kept}}
        link.members = wanted
        link.attrs = agreed_attrs
        link.title = str(agreed_attrs.get("title") or link.title)
        link.status = LinesheetLink.Status.ACTIVE
        link.synced_at = timezone.now()
        link.save()
        if outcome.created or outcome.attrs or not outcome.plan.empty:
            self.written[link.shopify_collection_id] = (link, len(outcome.plan.final), outcome.last_job)
        elif outcome.seen_updated_at:
            # Read again because someone else changed it, and nothing to write: as it is now is agreed.
            link.shopify_updated_at = outcome.seen_updated_at
            link.shopify_products_count = outcome.seen_count
            link.order_checked_at = outcome.order_checked_at
            link.save(
                update_fields=[
                    "shopify_updated_at",
                    "shopify_products_count",
                    "order_checked_at",
                    "updated_at",
                ]
            )
        elif outcome.order_checked_at:
            link.order_checked_at = outcome.order_checked_at
            link.save(update_fields=["order_checked_at", "updated_at"])
        owner.record_collection(link, outcome)

    def _write(
        self,
        link: LinesheetLink,
        sheet: Linesheet,
        wanted: list[str],
        wanted_attrs: dict[str, Any],
        raw: Mapping[str, Any] | None,
        found: api.FoundCollection | None = None,
    ) -> Outcome:
        outcome = Outcome()
        if not link.shopify_collection_id and found is not None:
            # Made already: taken over as it is, JOOR's values written where they differ.
            link.shopify_collection_id = found.collection.id
            link.members, link.attrs = [], {"title": found.collection.title}
            link.shopify_updated_at, link.shopify_products_count, link.order_checked_at = "", None, ""
            link.save()
            outcome.adopted, raw = True, found.raw
        if not link.shopify_collection_id:
            key_metafield = {
                "namespace": METAFIELD_NAMESPACE,
                "key": KEY_METAFIELD,
                "type": "single_line_text_field",
                "value": sheet.key,
            }
            result = api.collection_create(
                self.client,
                collection={
                    "title": wanted_attrs["title"],
                    "sortOrder": "MANUAL",
                    "metafields": [*metafield_inputs(wanted_attrs), key_metafield],
                },
            )
            _check(result)
            assert result.collection is not None  # noqa: S101 - Shopify answers the collection it made
            link.shopify_collection_id = result.collection.id
            link.members, link.attrs = [], dict(wanted_attrs)
            link.save(update_fields=["shopify_collection_id", "members", "attrs", "updated_at"])
            outcome.created = True
            current: list[str] = []
        else:
            changes, outcome.kept = attrs_changes(base=link.attrs, wanted=wanted_attrs)
            if "title" in changes:
                base_title = link.attrs.get("title")
                current_title = str(raw.get("title") or "") if raw is not None else str(base_title or "")
                title, kept = title_change(base=base_title, wanted=changes["title"], current=current_title)
                if title is None:
                    del changes["title"]
                if kept:
                    outcome.title_kept = (current_title, wanted_attrs["title"])
            if changes:
                collection: dict[str, Any] = {"id": link.shopify_collection_id}
                if "title" in changes:
                    collection["title"] = changes["title"]
                metafields = metafield_inputs(changes)
                if metafields:
                    collection["metafields"] = metafields
                if len(collection) > 1:
                    _check(api.collection_update(self.client, collection=collection))
                outcome.attrs = changes
            current = self._current(link, raw, outcome)
        plan = membership_plan(base=link.members, wanted=wanted, current=current)
        outcome.plan = plan
        cid = link.shopify_collection_id
        for part in chunks(plan.remove, api.MAX_PRODUCTS_PER_CALL):
            outcome.last_job = _job_of(
                api.collection_products_remove(self.client, collection_id=cid, product_ids=part)
            )
        for part in chunks(plan.add, api.MAX_PRODUCTS_PER_CALL):
            outcome.last_job = _job_of(
                api.collection_products_add(self.client, collection_id=cid, product_ids=part)
            )
        for part in chunks(plan.moves, MOVES_PER_CALL):
            if outcome.last_job is not None:
                # Moves name positions among the products the writes before made: those go first.
                job_await(self.client, job=outcome.last_job, poll_interval=self.owner.poll_interval)
            reordered = api.collection_products_reorder(self.client, collection_id=cid, moves=part)
            _check(reordered)
            outcome.last_job = reordered.job
        return outcome

    def _current(self, link: LinesheetLink, raw: Mapping[str, Any] | None, outcome: Outcome) -> list[str]:
        """The collection's products as they are. Its `updatedAt` and count as the app left them mean
        nobody changed it, except within the second of the app's write (`updatedAt` has one-second
        resolution): until a read made after that second (and the clocks' leeway) found the agreed
        order, the first page is compared (one request, once per change)."""
        updated_at = str(raw.get("updatedAt") or "") if raw is not None else ""
        cid = link.shopify_collection_id
        started = timezone.now()
        if (
            updated_at
            and updated_at == link.shopify_updated_at
            and _count(raw or {}) == link.shopify_products_count
        ):
            if link.order_checked_at == updated_at:
                return list(link.members)
            page, more = api.collection_first_products(self.client, collection_id=cid)
            if order_agreed(page, link.members, page_size=api.MAX_PRODUCTS_PER_CALL):
                outcome.order_checked_at = updated_at if _settled(updated_at, at=started) else ""
                return list(link.members)
            current = api.collection_product_ids(self.client, collection_id=cid) if more else page
        else:
            current = api.collection_product_ids(self.client, collection_id=cid)
        if raw is not None:
            outcome.seen_updated_at = updated_at
            outcome.seen_count = _count(raw)
            outcome.order_checked_at = updated_at if _settled(updated_at, at=started) else ""
        return current

    # ------------------------------------------------------------------ after the writes

    def _confirm(self) -> None:
        """One read of every collection written: its `updatedAt` becomes the mark of "as the app left
        it". A collection whose count is not there yet has its last job awaited and is read again."""
        if not self.written:
            return
        seen = self._read(list(self.written))
        for cid, (link, count, job) in self.written.items():
            raw = seen.get(cid)
            if raw is not None and _count(raw) != count and job is not None:
                job_await(self.client, job=job, poll_interval=self.owner.poll_interval)
                raw = self._read([cid]).get(cid)
            if raw is not None:
                link.shopify_updated_at = str(raw.get("updatedAt") or "")
                link.shopify_products_count = _count(raw)
                link.order_checked_at = ""  # a person may have moved products within this second
                link.save(
                    update_fields=[
                        "shopify_updated_at",
                        "shopify_products_count",
                        "order_checked_at",
                        "updated_at",
                    ]
                )

    def _deleted_in_shopify(self, link: LinesheetLink) -> None:
        if self.owner.preview:
            return
        link.status = LinesheetLink.Status.GONE_SHOPIFY
        link.save(update_fields=["status", "updated_at"])
        self.owner.run.event(
            action="linesheet_collection_deleted",
            level="warning",
            side="shopify",
            message=f"The collection of JOOR linesheet “{link.title}” was deleted in Shopify: it is not made "
            "again, and JOOR is left as it is",
            details={"linesheet": link.joor_key, "collection": link.shopify_collection_id},
        )

    def _gone_from_joor(self, link: LinesheetLink) -> None:
        """No linked style is on the linesheet any more: its collection is left as it is (deletes are
        never passed on silently)."""
        if self.owner.preview:
            return
        link.status = LinesheetLink.Status.GONE_JOOR
        link.save(update_fields=["status", "updated_at"])
        self.owner.run.event(
            action="linesheet_gone_in_joor",
            level="warning",
            side="joor",
            message=f"JOOR linesheet “{link.title}” has no synced style any more: its Shopify collection is "
            "left as it is; delete it in Shopify if it is no longer wanted",
            details={"linesheet": link.joor_key, "collection": link.shopify_collection_id},
        )


def _check(result: Any) -> None:
    if not result.ok:
        raise CollectionRefused("; ".join(e.message for e in result.user_errors))


def _job_of(results: list[Any]) -> Job | None:
    job = None
    for result in results:
        _check(result)
        job = result.job or job
    return job


def _settled(updated_at: str, *, at: datetime) -> bool:
    """Was `at` (before a read) past the second of `updated_at` and the clocks' leeway? Then a change
    by anyone after the read has a later `updatedAt`."""
    try:
        stamp = datetime.fromisoformat(updated_at.replace("Z", "+00:00"))
    except ValueError:
        return False
    return at >= stamp + SETTLED_AFTER


def _count(raw: Mapping[str, Any]) -> int | None:
    count = raw.get("productsCount") or {}
    value = count.get("count")
    return int(value) if isinstance(value, int) else None
