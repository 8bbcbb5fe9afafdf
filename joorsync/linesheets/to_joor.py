"""Chosen Shopify collections → JOOR linesheets.

Each chosen collection is one JOOR linesheet named as the collection, with the code
`shopify-<collection number>`; its linked products are on it in the collection's order. A v4 account
writes v4 collections (`bulk_create` / `bulk_update`, all collections of the pass in one request
each); a v2 account changes only the styles whose placement changed, each through a style write with
`delivery_overwrite` 3 (add) or 4 (remove) of the style as JOOR has it, read just before (so nothing
else of the style is sent but what JOOR holds). Products without a JOOR style are left out and named.
A renamed collection renames its linesheet (v4 `name` in the `bulk_update`; v2 `delivery_name` of a
style write), and a v4 linesheet is looked up by `external_id` before it is created.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from joorsync.joor.errors import JoorAuthError, JoorError
from joorsync.joor.records import style_to_dict
from joorsync.joor.records_catalog import CollectionItem, CollectionWrite
from joorsync.linesheets.models import LinesheetLink
from joorsync.linesheets.plan import MAX_JOOR_NAME, Refused
from joorsync.linesheets.selectors import linked_styles_by_product
from joorsync.sync.models import ApiGeneration, ProductLink
from shopify_app.admin import collections as api

if TYPE_CHECKING:
    from joorsync.linesheets.passes import LinesheetPass

ADD, REMOVE = 3, 4  # v2 `delivery_overwrite`: add the deliveries sent / remove them


def joor_key_for(collection_id: str) -> str:
    return f"shopify-{collection_id.rsplit('/', 1)[-1]}"


@dataclass(slots=True)
class Wanted:
    link: LinesheetLink
    title: str
    members: list[str]  # product gids in the collection's order, linked to a style
    styles: dict[str, ProductLink]
    unlinked: int


class ShopifyToJoor:
    def __init__(self, owner: LinesheetPass) -> None:
        self.owner = owner
        self.client = owner.run.shopify.client
        self.joor = owner.run.joor.client
        self.v4 = owner.run.account.api_generation == ApiGeneration.V4

    def execute(self, links: dict[str, LinesheetLink], *, chosen: list[str]) -> None:
        by_collection = {
            link.shopify_collection_id: link for link in links.values() if link.shopify_collection_id
        }
        titles = {c.id: c.title for c in _collections(self.client, chosen)}
        wanted: list[Wanted] = []
        for gid in chosen:
            link = by_collection.get(gid)
            if link is not None and link.origin != LinesheetLink.Origin.SHOPIFY:
                continue  # a JOOR linesheet's own collection: JOOR owns it
            if gid not in titles:
                if (
                    link is not None
                    and link.status != LinesheetLink.Status.GONE_SHOPIFY
                    and not self.owner.preview
                ):
                    link.status = LinesheetLink.Status.GONE_SHOPIFY
                    link.save(update_fields=["status", "updated_at"])
                    self.owner.run.event(
                        action="linesheet_collection_deleted",
                        level="warning",
                        side="shopify",
                        message=f"Collection “{link.title}” is gone from Shopify: its JOOR linesheet is left as it is",
                        details={"linesheet": link.joor_key, "collection": gid},
                    )
                continue
            if self.owner.preview:
                continue
            if link is None:
                link = LinesheetLink.objects.create(
                    shop=self.owner.shop,
                    origin=LinesheetLink.Origin.SHOPIFY,
                    joor_key=joor_key_for(gid),
                    shopify_collection_id=gid,
                    title=titles[gid][:255],
                )
            product_ids = api.collection_product_ids(self.client, collection_id=gid)
            styles = linked_styles_by_product(shop=self.owner.shop, product_ids=product_ids)
            members = [p for p in product_ids if p in styles]
            wanted.append(Wanted(link, titles[gid], members, styles, len(product_ids) - len(members)))
        if self.v4:
            self._v4(wanted)
        else:
            for item in wanted:
                self._v2(item)

    # ------------------------------------------------------------------ v4

    def _v4(self, wanted: list[Wanted]) -> None:
        """Every new linesheet in one bulk_create, every changed one in one bulk_update."""
        creates = [w for w in wanted if not w.link.joor_collection_id]
        updates = [w for w in wanted if w.link.joor_collection_id and _changed(w)]
        if creates:
            existing = self._existing_by_external_id()
            for item in list(creates):
                found = existing.get(item.link.joor_key)
                if found:  # made by an earlier run whose answer was lost: take it over
                    item.link.joor_collection_id = found
                    creates.remove(item)
                    updates.append(item)
        if creates:
            result = self.joor.collections_create([_write(w, create=True) for w in creates])
            made = {str(obj.get("external_id")): str(obj.get("id")) for obj in result.data if obj.get("id")}
            for item in creates:
                failure = _failure_of(result, "external_id", item.link.joor_key)
                details: dict[str, Any] = (failure.details or {}) if failure is not None else {}
                taken = details.get("collection_id")
                if taken:  # made by an earlier run whose answer was lost: take it over
                    item.link.joor_collection_id = str(taken)
                    updates.append(item)
                elif failure is not None:
                    self.owner.problems(item.link, [_refused(failure)], side="joor")
                elif item.link.joor_key in made:
                    item.link.joor_collection_id = made[item.link.joor_key]
                    self._agreed(item)
        if updates:
            result = self.joor.collections_update([_write(w, create=False) for w in updates])
            for item in updates:
                failure = _failure_of(result, "id", item.link.joor_collection_id)
                if failure is not None:
                    self.owner.problems(item.link, [_refused(failure)], side="joor")
                else:
                    self._agreed(item)

    def _existing_by_external_id(self) -> dict[str, str]:
        """JOOR's collections by `external_id`, read before creating: `GET /v4/collections` takes no
        filter but the account (JOOR's reference, get-collections), so the list is read whole, and
        only in a pass that has a linesheet to create."""
        found: dict[str, str] = {}
        for obj in self.joor.iter_collections():
            external_id, collection_id = obj.get("external_id"), obj.get("id")
            if external_id and collection_id:
                found.setdefault(str(external_id), str(collection_id))
        return found

    # ------------------------------------------------------------------ v2

    def _v2(self, item: Wanted) -> None:
        link = item.link
        base = [p for p in link.members if isinstance(p, str)]
        order = {p: i + 1 for i, p in enumerate(item.members)}
        old_order = {p: i + 1 for i, p in enumerate(base)}
        renamed = link.attrs.get("title") not in (None, item.title)
        removes = [p for p in base if p not in order]
        adds = [p for p in item.members if p not in old_order or old_order[p] != order[p]]
        moved_from = [p for p in adds if p in old_order]
        # A style written with the delivery's code and the new name renames the linesheet for all its
        # styles (JOOR matches v2 deliveries by code): an add carries it, else one style that stays.
        carrier = item.members[:1] if renamed and not adds else []
        gone_styles = linked_styles_by_product(shop=self.owner.shop, product_ids=removes)
        failures: list[str] = []
        delivery = {"delivery_name": item.title[:MAX_JOOR_NAME], "delivery_code": link.joor_key}
        for product in removes + moved_from:
            style = item.styles.get(product) or gone_styles.get(product)
            if style is not None:
                failures += self._style_write(style, [delivery], REMOVE)
        for product in adds + carrier:
            entry = {**delivery, "style_display_order": order[product]}
            failures += self._style_write(item.styles[product], [entry], ADD)
        if failures:
            self.owner.problems(link, [Refused("joor_refused", "; ".join(failures)[:2000])], side="joor")
            return
        if removes or adds or carrier:
            self.owner.counts.joor_written += 1
        self._agreed(item, wrote=False)

    def _style_write(self, link: ProductLink, deliveries: list[dict[str, Any]], mode: int) -> list[str]:
        """One style's placement: the style as JOOR holds it now, with only these deliveries."""
        if link.joor_style_id is None:
            return []
        try:
            style = self.joor.get_style(link.joor_style_id)
            payload = style_to_dict(style)
            payload.pop("style_id", None)
            payload["deliveries"] = deliveries
            self.joor.style_upsert(payload, delivery_overwrite=mode)
        except JoorAuthError:
            raise
        except JoorError as exc:
            return [f"style {link.style_number}: {exc}"]
        return []

    # ------------------------------------------------------------------ agreement

    def _agreed(self, item: Wanted, *, wrote: bool = True) -> None:
        link = item.link
        changed = _changed(item)
        link.members = item.members
        link.attrs = {"title": item.title}
        link.title = item.title[:255]
        link.status = LinesheetLink.Status.ACTIVE
        link.synced_at = timezone.now()
        link.save()
        self.owner.problems(link, [], side="joor")
        if wrote and changed:
            self.owner.counts.joor_written += 1
        if changed:
            note = f"; {item.unlinked} products without a JOOR style left out" if item.unlinked else ""
            self.owner.run.event(
                action="linesheet_joor_written",
                side="joor",
                message=f"JOOR linesheet “{item.title}”: {len(item.members)} styles in the collection's order{note}",
                details={"linesheet": link.joor_key, "collection": link.shopify_collection_id},
            )


def _changed(item: Wanted) -> bool:
    return item.members != item.link.members or item.link.attrs.get("title") != item.title


def _write(item: Wanted, *, create: bool) -> CollectionWrite:
    items = [
        CollectionItem(product_id=str(item.styles[p].joor_style_id), order_number=i + 1)
        for i, p in enumerate(item.members)
    ]
    name = item.title[:MAX_JOOR_NAME] or item.link.joor_key
    if create:
        return CollectionWrite(name=name, external_id=item.link.joor_key, items=items)
    return CollectionWrite(name=name, id=item.link.joor_collection_id, items=items)


def _failure_of(result: Any, key: str, value: str) -> Any:
    """The failure JOOR reported for the item sent with `key` = `value` (or for no item in particular)."""
    for failure in result.failures:
        if failure.item is None or str(failure.item.get(key)) == value:
            return failure
    return None


def _refused(failure: Any) -> Refused:
    return Refused("joor_refused", f"JOOR refused the linesheet: {failure.status}: {failure.message}")


def _collections(client: Any, ids: list[str]) -> list[api.Collection]:
    found: list[api.Collection] = []
    for start in range(0, len(ids), 50):
        part = ids[start : start + 50]
        query = " OR ".join(f"id:{gid.rsplit('/', 1)[-1]}" for gid in part)
        found += list(api.collections_iter(client, query=query, page_size=250))
    return [c for c in found if c.id in set(ids)]
