"""The engine's image step for one run: plan a linked pair's images, write them with the pair's own
writes, record the agreement, and at the end of a batch put colour images on their variants.

Shopify's media reach a product through the same `productSet` the pair's content goes in (a
files-only `productSet` when only images changed), so images cost no call of their own. Shopify
processes new media asynchronously and shows a variant only a READY image: colour images are attached
at the end of the batch after a bounded wait (`MEDIA_WAIT_SECONDS`), one `productVariantAppendMedia`
per product; what is still processing then is attached by the next run, and a media that FAILED is a
problem of its product. JOOR gets Shopify's images through the v2 upload by URL (JOOR fetches the
image from Shopify's CDN), one call of 5 credits each, never retried (a retry would store a copy).
A colour's image changed in Shopify (the image its variants show) goes to JOOR the same way, with
`color_code`. Which image each variant shows comes with the bulk export (`ProductVariant.image`,
matched to the product's media by URL), so a full run reads nothing more for it; a product read on
its own (`Product`) has its variants' media read in batches of `VARIANT_READ_BATCH` per page of
styles. Both only for accounts whose colour images JOOR shows (v4) and that write to JOOR.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from django.db import transaction
from django.utils import timezone

from joorsync.joor.client import JoorNotFound
from joorsync.joor.errors import JoorAuthError, JoorBadPayload, JoorPermanentError
from joorsync.media.models import ImageAgreement
from joorsync.media.plan import (
    IMAGES_PATH,
    Agreed,
    ImagePlan,
    ImageRules,
    ShopifyMedia,
    color_path,
    joor_colour_images,
    plan_images,
    shopify_media_of,
)
from joorsync.sync.canonical import CanonicalProduct
from joorsync.sync.engine.plan import PairPlan, Refusal, Side
from joorsync.sync.models import ApiGeneration, DeletePolicy, ProductLink, ProductProblem
from joorsync.sync.shopify_mapping import variant_node_map
from shopify_app.admin.errors import ShopifyRequestError, ShopifyTransientError, ShopifyUserErrors
from shopify_app.admin.media import (
    MediaItem,
    files_status_get,
    product_media_get,
    variant_media_append,
)

if TYPE_CHECKING:
    from joorsync.sync.engine.run import SyncRun

logger = logging.getLogger(__name__)

#: How long the end of a batch waits for Shopify to process new colour images, and how often it asks.
MEDIA_WAIT_SECONDS = 20.0
MEDIA_POLL_SECONDS = 1.0
VARIANT_PAIRS_PER_CALL = 100  # productVariantAppendMedia takes at most 100 variant-media pairs
#: Variants per `VariantMedia` read: about 4 cost points each, under a query's 1,000-point cap.
VARIANT_READ_BATCH = 200
#: A JOOR upload that fails with these is a refusal of that image (its product's problem).
UPLOAD_REFUSALS: tuple[type[Exception], ...] = (JoorPermanentError, JoorBadPayload, ValueError)
#: Reading colour images failing with these turns colour images off for the run (not transient).
COLOUR_READ_FAILURES: tuple[type[Exception], ...] = (
    JoorPermanentError,
    JoorBadPayload,
    JoorAuthError,
    ValueError,
)


@dataclass(slots=True)
class PendingAttach:
    link_id: int
    product_id: str
    colours: dict[str, tuple[str, str, list[str]]]  # colour code → (key, media id, variant ids)
    names: dict[str, str] = field(default_factory=dict)  # key → readable name


@dataclass(slots=True)
class ImageSync:
    """One run's image work: the colour images read from JOOR, the attaches waiting for READY."""

    run: SyncRun
    colours: dict[str, dict[str, str]] = field(default_factory=dict)  # JOOR product id → code → path
    colours_off: bool = False
    pending: list[PendingAttach] = field(default_factory=list)
    shown: dict[str, str] = field(default_factory=dict)  # variant id → the media id it shows ("" none)
    to_read: list[str] = field(default_factory=list)  # variant ids of the page, read on first need
    # Calls of the image step of its own (images riding in a pair's productSet cost none).
    stats: dict[str, int] = field(
        default_factory=lambda: dict.fromkeys(
            (
                "files_only_writes",
                "status_reads",
                "variant_media_calls",
                "variant_image_reads",
                "joor_uploads",
                "joor_deletes",
            ),
            0,
        )
    )

    # ------------------------------------------------------------------ reads

    def colour_images(self, link: ProductLink) -> dict[str, str] | None:
        """Colour code → its image path, from JOOR v4 (None: not readable for this account)."""
        if self.colours_off or self.run.account.api_generation != ApiGeneration.V4:
            return None
        product_id = link.joor_product_id or str(link.joor_style_id or "")
        if not product_id:
            return None
        if product_id not in self.colours:
            self.prefetch([product_id])
        return self.colours.get(product_id, {})

    def prefetch(self, product_ids: list[str], *, variant_ids: Iterable[str] = ()) -> None:
        """Read the colour images of many JOOR products in one `GET /v4/skus` (a page's styles), and
        note the page's Shopify variants read one product at a time (not exported), whose images are
        read together when first needed."""
        if self.compares_variants:
            self.to_read = [v for v in dict.fromkeys(variant_ids) if v and v not in self.shown]
        wanted = [p for p in product_ids if p and p not in self.colours]
        if not wanted or self.colours_off or self.run.account.api_generation != ApiGeneration.V4:
            return
        try:
            found = self.run.joor.client.color_images_list(product_ids=wanted)
        except COLOUR_READ_FAILURES as exc:
            self.colours_off = True
            self.run.event(
                action="colour_images_unreadable",
                level="warning",
                side="joor",
                message=f"JOOR's colour images could not be read ({exc}); colour images are left as they are",
            )
            return
        for product_id in wanted:
            self.colours.setdefault(product_id, {})
        by_product: dict[str, list[Any]] = {}
        for colour in found:
            by_product.setdefault(str(colour.product_id or ""), []).append(colour)
        for product_id, colours in by_product.items():
            self.colours[product_id] = joor_colour_images(colours)

    @property
    def compares_variants(self) -> bool:
        """Whether a merchant's variant images are compared: JOOR shows colour images (v4) and the
        run may write to JOOR (else they are not read: nothing could be sent)."""
        return (
            not self.colours_off
            and self.run.account.api_generation == ApiGeneration.V4
            and self.run.settings.allow_write_joor
        )

    def variant_media(self, link: ProductLink, *, node: Mapping[str, Any] | None = None) -> dict[str, str]:
        """Variant id → the media id each of the link's variants shows ("" none). An exported node
        says it (`exported_variant_media`); otherwise, or for an image its media do not name, it is
        read with the page's other variants (`VariantMedia`, `VARIANT_READ_BATCH` a call)."""
        ids = [v.shopify_variant_id for v in link.variant_links.all() if v.shopify_variant_id]
        exported = exported_variant_media(node) if node is not None else None
        if exported is not None:
            for variant_id in ids:
                media_id = exported.get(variant_id, "")  # not on the product any more: shows nothing
                if media_id is not None:
                    self.shown[variant_id] = media_id
        missing = [v for v in ids if v not in self.shown]
        if missing:
            wanted = list(dict.fromkeys([*missing, *(v for v in self.to_read if v not in self.shown)]))
            self.to_read = []
            client = self.run.shopify.client
            for start in range(0, len(wanted), VARIANT_READ_BATCH):
                chunk = wanted[start : start + VARIANT_READ_BATCH]
                self.stats["variant_image_reads"] += 1
                answer = client.execute("VariantMedia", {"ids": chunk})
                for variant_id in chunk:
                    self.shown[variant_id] = ""
                for read in answer.data.get("nodes") or []:
                    if read and read.get("id"):
                        first = ((read.get("media") or {}).get("nodes") or [{}])[0]
                        self.shown[read["id"]] = str((first or {}).get("id") or "")
        return {v: self.shown.get(v, "") for v in ids}

    def variant_images(
        self, link: ProductLink, media: list[ShopifyMedia], *, node: Mapping[str, Any] | None = None
    ) -> dict[str, tuple[str, str | None]] | None:
        """Variant id → (colour code, key of the image it shows); None when not compared."""
        if not self.compares_variants:
            return None
        shown = self.variant_media(link, node=node)
        keys = {m.media_id: m.key for m in media}
        colours = {v.shopify_variant_id: v.color_code for v in link.variant_links.all()}
        return {
            variant_id: (colours[variant_id], keys.get(media_id) if media_id else None)
            for variant_id, media_id in shown.items()
        }

    # ------------------------------------------------------------------ planning

    def plan(
        self, *, link: ProductLink, joor_product: CanonicalProduct, node: Mapping[str, Any], pair: PairPlan
    ) -> ImagePlan | None:
        """The pair's image plan; its refusals and notes join the pair's. None: the node was read
        without its media (nothing is compared)."""
        if "media" not in node:
            return None
        node = self.complete(node)
        agreed = agreement_of(link)
        known = {media_id: key for key, media_id in (agreed.media if agreed else {}).items()}
        images = joor_product.joor.get("images")
        paths = [p for p in images if isinstance(p, str) and p] if isinstance(images, list) else []
        settings = self.run.settings
        media = shopify_media_of(node, known=known)
        joor_colors = self.colour_images(link)
        plan = plan_images(
            joor_paths=paths,
            joor_colors=joor_colors,
            shopify=media,
            agreed=agreed,
            rules=ImageRules(
                allow_shopify=settings.allow_write_shopify,
                allow_joor=settings.allow_write_joor,
                propagate_deletes=self.run.account.delete_policy == DeletePolicy.ARCHIVE,
            ),
            variants=self.variant_images(link, media, node=node) if joor_colors is not None else None,
        )
        pair.refusals.extend(plan.refusals)
        pair.notes.extend(plan.notes)
        return plan

    def complete(self, node: Mapping[str, Any]) -> Mapping[str, Any]:
        """The node with every media: a product read with only its first page of media gets the
        rest, since a productSet `files` list deletes whatever it leaves out."""
        media = node.get("media")
        if not isinstance(media, dict) or not (media.get("pageInfo") or {}).get("hasNextPage"):
            return node
        found = product_media_get(self.run.shopify.client, product_id=str(node["id"]))
        if found is None:
            return node
        nodes = [
            {
                "__typename": m.type,
                "id": m.id,
                "status": m.status,
                "image": {"url": m.url} if m.url else None,
                "mediaErrors": [{"message": e} for e in m.errors],
            }
            for m in found.media
        ]
        return {**node, "media": {"nodes": nodes}}

    # ------------------------------------------------------------------ writes

    def write_files(
        self, *, link: ProductLink, plan: ImagePlan, node: Mapping[str, Any]
    ) -> dict[str, Any] | None:
        """A files-only productSet: the product's other fields and variants are not sent."""
        variants = node_variant_count(node)
        self.stats["files_only_writes"] += 1
        return self.run.shopify.writes.set_files(
            product_id=link.shopify_product_id, files=plan.files or [], variants_first=variants
        )

    def write_joor(self, *, link: ProductLink, plan: ImagePlan, product: CanonicalProduct) -> dict[str, str]:
        """Uploads and deletes in JOOR; returns key → stored path of what was uploaded. An image JOOR
        refuses is a problem of the product (and is not sent again while it stays the same)."""
        client = self.run.joor.client
        uploaded: dict[str, str] = {}
        for _key, path in plan.joor_deletes:
            self.stats["joor_deletes"] += 1
            try:
                client.style_image_delete(
                    style_number=product.style_number,
                    style_identifier=product.style_identifier,
                    filename=path,
                )
            except JoorNotFound:
                pass  # already gone
        for upload in plan.uploads:
            self.stats["joor_uploads"] += 1
            try:
                answer = client.style_image_upload(
                    style_number=product.style_number,
                    style_identifier=product.style_identifier,
                    filename=upload.filename,
                    display_order=upload.display_order,
                    url=upload.url,
                )
            except UPLOAD_REFUSALS as exc:
                reason = f"JOOR refused the upload ({exc})"[:500]
                plan.new_refused[upload.key] = reason
                plan.refusals.append(
                    Refusal(
                        side=Side.JOOR,
                        code="image_refused",
                        path=IMAGES_PATH,
                        message=f"Image {upload.name} is not sent to JOOR: {reason}",
                    )
                )
                continue
            uploaded[upload.key] = answer.image_path or ""
        for colour in list(plan.colour_uploads):
            self.stats["joor_uploads"] += 1
            try:
                answer = client.style_image_upload(
                    style_number=product.style_number,
                    style_identifier=product.style_identifier,
                    filename=colour.filename,
                    display_order=1,
                    url=colour.url,
                    color_code=colour.code,
                    retry=False,  # 5 credits a call: a failed upload is seen again next run
                )
            except UPLOAD_REFUSALS as exc:
                reason = f"JOOR refused the upload ({exc})"[:500]
                plan.new_refused[colour.key] = reason
                plan.held_colours.add(colour.code)
                plan.colour_uploads.remove(colour)
                plan.refusals.append(
                    Refusal(
                        side=Side.JOOR,
                        code="image_refused",
                        path=color_path(colour.code),
                        message=f"Image {colour.name} is not sent to JOOR: {reason}",
                    )
                )
                continue
            uploaded[colour.key] = answer.image_path or ""
        return uploaded

    def record(
        self,
        *,
        link: ProductLink,
        plan: ImagePlan,
        node: Mapping[str, Any],
        uploaded: Mapping[str, str],
        wrote_files: bool,
    ) -> None:
        """Store the new agreement and queue the colour images for their variants."""
        agreed = plan.agreed
        returned = shopify_media_of(node, known={})
        media: dict[str, str] = {}
        if wrote_files and len(returned) == len(plan.target):
            media = {key: m.media_id for key, m in zip(plan.target, returned, strict=True)}
        else:
            known = {media_id: key for key, media_id in agreed.media.items()}
            media = {m.key: m.media_id for m in shopify_media_of(node, known=known) if m.key}
        joor_after = [k for k in plan.joor_after if k not in plan.new_refused]
        shopify_after = plan.shopify_after
        j_set = set(joor_after)
        keys = [k for k in shopify_after if k in j_set]
        keys += [k for k in plan.kept if k not in keys]  # removed on one side, kept by the policy
        paths = {k: v for k, v in agreed.paths.items() if k in j_set}
        paths.update({k: v for k, v in uploaded.items() if v})
        present = set(media)
        refused = {k: v for k, v in {**agreed.refused, **plan.new_refused}.items() if k in present}
        colours = {c: k for c, k in agreed.colors.items() if k in present}
        retired = [*agreed.retired, *sorted(plan.colour_only)]
        for colour in plan.colour_uploads:  # sent: JOOR's image of the colour is now this one
            colours[colour.code] = colour.key
            if colour.base and colour.base != colour.key:
                retired.append(colour.base)
        shown_colours = set(colours.values())
        retired = [k for k in dict.fromkeys(retired) if k in present and k not in shown_colours]
        ImageAgreement.objects.update_or_create(
            link=link,
            defaults={
                "keys": keys,
                "joor_order": joor_after,
                "shopify_order": shopify_after,
                "colors": colours,
                "media": media,
                "paths": paths,
                "refused": refused,
                "variant_images": _variants_seen(plan),
                "retired": retired,
            },
        )
        if plan.attach:
            variants = variant_node_map(node, variant_keys=_variant_keys(link))
            colours_todo: dict[str, tuple[str, str, list[str]]] = {}
            for code, key in plan.attach.items():
                media_id = media.get(key)
                ids = [n["id"] for k, n in variants.items() if k.split("/", 1)[0] == _quoted(code)]
                if media_id and ids:
                    colours_todo[code] = (key, media_id, ids)
            if colours_todo:
                self.pending.append(
                    PendingAttach(link.pk, link.shopify_product_id, colours_todo, dict(plan.names))
                )

    # ------------------------------------------------------------------ end of a batch

    def flush(self) -> None:
        """Colour images onto their variants once Shopify has processed them (bounded wait)."""
        pending, self.pending = self.pending, []
        if not pending:
            return
        client = self.run.shopify.client
        ids = list(dict.fromkeys(m for p in pending for _, m, _ in p.colours.values()))
        try:
            states = self._await(ids)
        except (ShopifyTransientError, ShopifyRequestError) as exc:
            logger.warning("media status read failed: %s", exc)
            return  # the next run attaches them
        for item in pending:
            failed = [(c, k) for c, (k, m, _) in item.colours.items() if _failed(states.get(m))]
            if failed:
                self._failed(item, failed, states)
            ready = {c: v for c, v in item.colours.items() if _ready(states.get(v[1]))}
            if not ready:
                continue
            try:
                done = self._append(client, item.product_id, ready)
            except (ShopifyTransientError, ShopifyRequestError, ShopifyUserErrors) as exc:
                logger.warning("variant media for %s failed: %s", item.product_id, exc)
                continue
            if done:
                self._attached(item, done)

    def _await(self, ids: list[str]) -> dict[str, MediaItem | None]:
        client = self.run.shopify.client
        deadline = client.clock() + MEDIA_WAIT_SECONDS
        self.stats["status_reads"] += 1
        states = files_status_get(client, file_ids=ids)
        while any(s is not None and s.pending for s in states.values()) and client.clock() < deadline:
            client.sleep(MEDIA_POLL_SECONDS)
            waiting = [i for i, s in states.items() if s is not None and s.pending]
            self.stats["status_reads"] += 1
            states.update(files_status_get(client, file_ids=waiting))
        return states

    def _append(
        self, client: Any, product_id: str, ready: dict[str, tuple[str, str, list[str]]]
    ) -> dict[str, str]:
        """Append each ready colour image to its variants (variants already showing an image keep
        it: a merchant's choice); returns colour code → key of the colours now shown."""
        pairs = {v: media for _, media, variants in ready.values() for v in variants}
        self.stats["variant_media_calls"] += 1 + (len(pairs) - 1) // VARIANT_PAIRS_PER_CALL
        result = variant_media_append(client, product_id=product_id, pairs=_first(pairs))
        if result.user_errors:
            current = product_media_get(client, product_id=product_id)
            shown = current.variant_media if current is not None else {}
            pairs = {v: m for v, m in pairs.items() if not shown.get(v)}
            if not pairs:
                return {c: k for c, (k, _, _) in ready.items()}
            result = variant_media_append(client, product_id=product_id, pairs=_first(pairs))
            if result.user_errors:
                raise ShopifyUserErrors("productVariantAppendMedia refused", user_errors=result.user_errors)
        for start in range(VARIANT_PAIRS_PER_CALL, len(pairs), VARIANT_PAIRS_PER_CALL):
            rest = dict(list(pairs.items())[start : start + VARIANT_PAIRS_PER_CALL])
            variant_media_append(client, product_id=product_id, pairs=rest)
        return {c: k for c, (k, _, _) in ready.items()}

    def _attached(self, item: PendingAttach, done: dict[str, str]) -> None:
        with transaction.atomic():
            row = ImageAgreement.objects.select_for_update().filter(link_id=item.link_id).first()
            if row is None:
                return
            row.colors = {**(row.colors or {}), **done}
            # Variants that showed no image now show their colour's (the others kept theirs).
            seen = dict(row.variant_images or {})
            for code, key in done.items():
                for variant_id in item.colours[code][2]:
                    if seen.get(variant_id) == "":
                        seen[variant_id] = key
            row.variant_images = seen
            row.save(update_fields=["colors", "variant_images", "updated_at"])
        link = ProductLink.objects.filter(pk=item.link_id).first()
        paths = [color_path(code) for code in sorted(done)]
        changes = [
            {"path": color_path(code), "old": None, "new": item.names.get(key, key), "by": "merge"}
            for code, key in sorted(done.items())
        ]
        self.run.event(
            action="updated",
            side=Side.SHOPIFY,
            link=link,
            message="Shopify updated: " + ", ".join(paths),
            details={"paths": paths, "changes": changes},
        )

    def _failed(
        self, item: PendingAttach, failed: list[tuple[str, str]], states: Mapping[str, MediaItem | None]
    ) -> None:
        """A colour image Shopify could not process: a problem of its product; the run goes on."""
        from joorsync.sync.engine import linkrows

        link = ProductLink.objects.filter(pk=item.link_id).first()
        if link is None:
            return
        reasons = []
        for code, _ in failed:
            state = states.get(item.colours[code][1])
            reasons.append(f"colour {code} ({', '.join(state.errors) if state else 'no reason given'})")
        message = f"Shopify could not process the image of {'; '.join(reasons)}"
        now = timezone.now()
        problem, made = ProductProblem.objects.get_or_create(
            shop=self.run.shop,
            subject=linkrows.subject_of(link=link),
            code="image_failed",
            field_path=IMAGES_PATH,
            status=ProductProblem.Status.OPEN,
            defaults={
                "link": link,
                "title": (link.shopify_title or link.style_number)[:255],
                "side": Side.SHOPIFY.value,
                "message": message[:2000],
                "job": self.run.job,
            },
        )
        if not made:
            ProductProblem.objects.filter(pk=problem.pk).update(message=message[:2000], updated_at=now)
        else:
            self.run.counts.problems += 1
        self.run.event(action="problem", level="warning", side="shopify", link=link, message=message)


def exported_variant_media(node: Mapping[str, Any]) -> dict[str, str | None] | None:
    """Variant id → the media id it shows ("" none), from a node whose variants carry `image` (the
    bulk export); None when they do not (a `Product` read). The variant's image is matched to the
    product's media by URL path: both are the same CDN file, and the path is compared without the
    query string (`?v=…`, a version stamp). An image no media of the node matches is None (read)."""
    variants = node.get("variants") or {}
    listed = (variants.get("nodes") or []) if isinstance(variants, dict) else variants
    if not listed or not all(isinstance(v, Mapping) and "image" in v for v in listed):
        return None
    media = node.get("media") or {}
    by_path: dict[str, str] = {}
    for item in (media.get("nodes") or []) if isinstance(media, dict) else media:
        url = ((item or {}).get("image") or {}).get("url")
        if url and item.get("id"):
            by_path.setdefault(_url_path(str(url)), str(item["id"]))
    found: dict[str, str | None] = {}
    for variant in listed:
        if not variant.get("id"):
            continue
        url = (variant.get("image") or {}).get("url")
        found[str(variant["id"])] = by_path.get(_url_path(str(url))) if url else ""
    return found


def _url_path(url: str) -> str:
    return urlsplit(url).path


def _variants_seen(plan: ImagePlan) -> dict[str, str]:
    """The variants' images to keep as last seen: as shown now, except the colours whose change was
    not carried (kept as before, so the change is looked at again)."""
    before = plan.agreed.variant_images
    if plan.seen is None:
        return dict(before)
    seen = dict(plan.seen)
    for code in plan.held_colours:
        for variant_id in plan.variants_of.get(code, []):
            if variant_id in before:
                seen[variant_id] = before[variant_id]
            else:
                seen.pop(variant_id, None)
    return seen


def node_variant_count(node: Mapping[str, Any]) -> int:
    variants = node.get("variants") or {}
    listed = variants.get("nodes") or variants.get("edges") or [] if isinstance(variants, dict) else variants
    return max(1, len(listed))


def _first(pairs: dict[str, str]) -> dict[str, str]:
    return dict(list(pairs.items())[:VARIANT_PAIRS_PER_CALL])


def _ready(item: MediaItem | None) -> bool:
    return item is not None and item.status == "READY"


def _failed(item: MediaItem | None) -> bool:
    return item is not None and item.failed


def _quoted(code: str) -> str:
    from joorsync.sync.canonical import variant_key

    return variant_key(code, "x").split("/", 1)[0]


def _variant_keys(link: ProductLink) -> dict[str, tuple[str, str]]:
    from joorsync.sync.engine.pair import variant_keys_of

    return variant_keys_of(link)


def agreement_of(link: ProductLink) -> Agreed | None:
    row = ImageAgreement.objects.filter(link=link).first()
    if row is None:
        return None
    return Agreed(
        keys=list(row.keys or []),
        joor_order=list(row.joor_order or []),
        shopify_order=list(row.shopify_order or []),
        colors=dict(row.colors or {}),
        media=dict(row.media or {}),
        paths=dict(row.paths or {}),
        refused=dict(row.refused or {}),
        variant_images=dict(row.variant_images or {}),
        retired=list(row.retired or []),
    )


def images_unchanged(*, link: ProductLink, node: Mapping[str, Any], run: SyncRun | None = None) -> bool:
    """Whether the product's Shopify images are as last agreed (a merchant's added, removed or
    reordered image, or a variant showing another image, is a change to carry to JOOR, like an
    edited field). Variant images are read only with `run` and when the run compares them."""
    if "media" not in node:
        return True
    agreed = agreement_of(link)
    known = {media_id: key for key, media_id in (agreed.media if agreed else {}).items()}
    media = shopify_media_of(node, known=known)
    if any(m.key is None for m in media):
        return True  # still processing: compared once Shopify is done with it
    if agreed is None:
        return not any(m.is_image for m in media)
    colours = set(agreed.colors.values()) | set(agreed.retired)
    if [m.key for m in media if m.is_image and m.key not in colours] != agreed.shopify_order:
        return False
    if run is None or not agreed.variant_images:
        return True
    step = image_sync_of(run)
    shown = step.variant_images(link, media, node=node)
    if shown is None:
        return True
    return all(agreed.variant_images.get(v, key or "") == (key or "") for v, (_, key) in shown.items())


def image_sync_of(run: SyncRun) -> ImageSync:
    """The run's image step, made on first use."""
    found = run.__dict__.get("_image_sync")
    if found is None:
        found = ImageSync(run)
        run.__dict__["_image_sync"] = found
    return found


def image_writes(plan: ImagePlan | None, side: Side) -> bool:
    """Whether the pair's images wrote to `side` (for the run's counts)."""
    if plan is None:
        return False
    return plan.writes_shopify if side is Side.SHOPIFY else bool(image_changes(plan, side))


def image_changes(plan: ImagePlan | None, side: Side) -> list[dict[str, Any]]:
    """The history rows of a pair's image writes on one side (names before and after)."""
    if plan is None:
        return []
    if side is Side.SHOPIFY and plan.writes_shopify and plan.shopify_before != plan.shopify_after:
        names = plan.names
        return [
            {
                "path": IMAGES_PATH,
                "old": [names.get(k, k) for k in plan.shopify_before],
                "new": [names.get(k, k) for k in plan.shopify_after],
                "by": "merge",
            }
        ]
    if side is Side.JOOR and plan.writes_joor:
        names = plan.names
        after = [k for k in plan.joor_after if k not in plan.new_refused]
        rows: list[dict[str, Any]] = []
        if after != plan.joor_before:
            rows.append(
                {
                    "path": IMAGES_PATH,
                    "old": [names.get(k, k) for k in plan.joor_before],
                    "new": [names.get(k, k) for k in after],
                    "by": "merge",
                }
            )
        rows += [
            {
                "path": color_path(c.code),
                "old": names.get(c.base, c.base) if c.base else None,
                "new": c.name,
                "by": "merge",
            }
            for c in plan.colour_uploads
        ]
        return rows
    return []


def image_preview(plan: ImagePlan | None) -> dict[str, Any]:
    """What a pair's images would become, as a person reads it in a preview (names, not keys):
    per side the images added and removed and the new order when it changes, and colour images."""
    if plan is None or plan.wait:
        return {}
    names = plan.names
    found: dict[str, Any] = {}
    if plan.files is not None:
        current, target = plan.current, plan.target
        shopify: dict[str, Any] = {
            "add": [names.get(k, k) for k in target if k not in current],
            "remove": [names.get(k, k) for k in current if k not in target],
        }
        kept = [k for k in target if k in current]
        if kept != [k for k in current if k in target]:
            shopify["order"] = [names.get(k, k) for k in target]
        found["shopify"] = {k: v for k, v in shopify.items() if v}
    if plan.attach:
        found.setdefault("shopify", {})["colours"] = {
            c: names.get(k, k) for c, k in sorted(plan.attach.items())
        }
    joor: dict[str, Any] = {
        "add": [u.name for u in plan.uploads],
        "remove": [names.get(k, k) for k, _ in plan.joor_deletes],
        "colours": {c.code: c.name for c in plan.colour_uploads},
    }
    joor = {k: v for k, v in joor.items() if v}
    if joor:
        found["joor"] = joor
    return {side: rows for side, rows in found.items() if rows}


def create_files(product: CanonicalProduct) -> list[dict[str, Any]]:
    """The `files` of a new Shopify product: the style's images in JOOR's order."""
    images = product.joor.get("images")
    paths = [p for p in images if isinstance(p, str) and p] if isinstance(images, list) else []
    plan = plan_images(
        joor_paths=paths,
        joor_colors=None,
        shopify=[],
        agreed=None,
        rules=ImageRules(allow_shopify=True, allow_joor=False, propagate_deletes=False),
    )
    return plan.files or []
