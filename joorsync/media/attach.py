"""The end of a batch: colour images onto their variants once Shopify has processed them (a bounded
wait, one `productVariantAppendMedia` per product); a media Shopify could not process is a problem of
its product."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from joorsync.media.models import ImageAgreement
from joorsync.media.plan import IMAGES_PATH, color_path
from joorsync.sync.engine.plan import Side
from joorsync.sync.models import ProductLink, ProductProblem
from shopify_app.admin.errors import ShopifyRequestError, ShopifyTransientError, ShopifyUserErrors
from shopify_app.admin.media import MediaItem, files_status_get, product_media_get, variant_media_append

if TYPE_CHECKING:
    from joorsync.sync.engine.run import SyncRun

logger = logging.getLogger("joorsync.media.sync")

#: How long the end of a batch waits for Shopify to process new colour images, and how often it asks.
MEDIA_WAIT_SECONDS = 20.0
MEDIA_POLL_SECONDS = 1.0
VARIANT_PAIRS_PER_CALL = 100  # productVariantAppendMedia takes at most 100 variant-media pairs


@dataclass(slots=True)
class PendingAttach:
    link_id: int
    product_id: str
    colours: dict[str, tuple[str, str, list[str]]]  # colour code → (key, media id, variant ids)
    names: dict[str, str] = field(default_factory=dict)  # key → readable name


class VariantAttach:
    """The end-of-batch work of a run's image step (`ImageSync`)."""

    run: SyncRun
    pending: list[PendingAttach]
    stats: dict[str, int]

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


def _first(pairs: dict[str, str]) -> dict[str, str]:
    return dict(list(pairs.items())[:VARIANT_PAIRS_PER_CALL])


def _ready(item: MediaItem | None) -> bool:
    return item is not None and item.status == "READY"


def _failed(item: MediaItem | None) -> bool:
    return item is not None and item.failed
