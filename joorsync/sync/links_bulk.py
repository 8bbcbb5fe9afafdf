"""Bulk actions on the links list: "Sync selected" queues one targeted sync per linked product.

A targeted sync reads both sides of one product and goes through the same merge and write gate as
any other sync, so syncing many products at once writes nothing a single sync would not.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction

from joorsync.sync.jobs import sync_job_request, sync_job_target_for_link
from joorsync.sync.models import ProductLink, SyncJob
from shopify_app.models import Shop

#: More products than this at once is what "Sync now" (one full sync) is for.
MAX_BULK_SYNC = 200


class LinksBulkTooMany(Exception):
    """More linked products than one bulk sync takes: a full sync covers them better."""

    def __init__(self, count: int) -> None:
        super().__init__(
            f"{count} products is more than {MAX_BULK_SYNC} at once. Narrow the filter, or use "
            "“Sync now” on the dashboard: one full sync covers every product."
        )
        self.count = count


@dataclass(frozen=True)
class LinksSyncQueued:
    """What a bulk sync request did, product by product."""

    #: One job per product; a product whose targeted sync was already waiting shares that job.
    jobs: list[SyncJob]
    #: Jobs this request created (the others were already queued and now include the product).
    created: int
    #: Asked-for rows that are not linked products of the shop (unmatched, unlinked, another shop's).
    skipped: int


def product_links_linked(*, shop: Shop, link_ids: Iterable[int]) -> list[ProductLink]:
    """The shop's linked products among `link_ids`, oldest first (the snapshot stays unread)."""
    return list(
        ProductLink.objects.filter(shop=shop, status=ProductLink.Status.LINKED, pk__in=set(link_ids))
        .defer("snapshot")
        .order_by("pk")
    )


def product_links_sync_request(*, shop: Shop, link_ids: Iterable[int]) -> LinksSyncQueued:
    """Queue a targeted sync, asked for by a person, of each of the shop's linked products in
    `link_ids`. Anything else asked for is skipped and counted, never synced; too many at once
    raises `LinksBulkTooMany` before anything is queued."""
    wanted = set(link_ids)
    links = product_links_linked(shop=shop, link_ids=wanted)
    if len(links) > MAX_BULK_SYNC:
        raise LinksBulkTooMany(len(links))
    with transaction.atomic():
        waiting = set(
            SyncJob.objects.filter(shop=shop, status=SyncJob.Status.QUEUED).values_list("pk", flat=True)
        )
        jobs = [
            sync_job_request(
                shop=shop,
                kind=SyncJob.Kind.TARGETED,
                target=sync_job_target_for_link(link=link),
                trigger=SyncJob.Trigger.MANUAL,
            )
            for link in links
        ]
    created = len({job.pk for job in jobs} - waiting)
    return LinksSyncQueued(jobs=jobs, created=created, skipped=len(wanted) - len(links))
