"""Read-only queries behind the merchant UI pages, each scoped to one shop.

They complement `joorsync.sync.selectors` with what only the pages need: dashboard counts, the filtered
and ordered lists (ordered by indexed columns so a page of 10,000 rows stays cheap), suggested matches.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from joorsync.sync.models import Conflict, JoorAccount, ProductLink, SyncJob
from joorsync.sync.schedules import shop_schedule_get
from joorsync.sync.selectors import joor_account_get, product_problems_open_for, shop_has_admin_access
from shopify_app.models import Shop

UNMATCHED_STATUSES = (
    ProductLink.Status.UNMATCHED_SHOPIFY,
    ProductLink.Status.UNMATCHED_JOOR,
    ProductLink.Status.AMBIGUOUS,
)
#: Rows that can hold a JOOR style with no Shopify product: the candidates for a hand link.
STYLE_ONLY_STATUSES = (
    ProductLink.Status.UNMATCHED_JOOR,
    ProductLink.Status.AMBIGUOUS,
    ProductLink.Status.DELETED_SHOPIFY,
    ProductLink.Status.UNLINKED,
)
SUGGESTION_POOL = 500
SUGGESTIONS_PER_ROW = 10


@dataclass(frozen=True)
class DashboardSummary:
    shopify_connected: bool
    account: JoorAccount | None
    linked: int
    unmatched: int
    open_conflicts: int
    errors: int
    open_problems: int
    last_sync_at: datetime | None
    next_sync_at: datetime | None
    active_job: SyncJob | None
    recent_jobs: list[SyncJob]


def dashboard_summary(*, shop: Shop) -> DashboardSummary:
    """Everything the dashboard shows, in a handful of indexed queries (no outside call)."""
    by_status = dict(
        ProductLink.objects.filter(shop=shop).values_list("status").annotate(n=Count("pk")).order_by()
    )
    account = joor_account_get(shop=shop)
    last_done = (
        SyncJob.objects.filter(
            shop=shop, status=SyncJob.Status.SUCCEEDED, dry_run=False, kind__in=("full", "incremental")
        )
        .order_by("-created_at", "-pk")
        .values_list("finished_at", flat=True)
        .first()
    )
    last_sync = account.last_joor_sync_at if account is not None and account.last_joor_sync_at else last_done
    schedule = shop_schedule_get(shop=shop) if account is not None and account.sync_interval_minutes else None
    recent = list(SyncJob.objects.filter(shop=shop).order_by("-created_at", "-pk")[:5])
    active = next((j for j in recent if j.status in (SyncJob.Status.QUEUED, SyncJob.Status.RUNNING)), None)
    return DashboardSummary(
        shopify_connected=shop_has_admin_access(shop=shop),
        account=account,
        linked=by_status.get(ProductLink.Status.LINKED, 0),
        unmatched=sum(by_status.get(s, 0) for s in UNMATCHED_STATUSES),
        open_conflicts=Conflict.objects.filter(shop=shop, status=Conflict.Status.OPEN).count(),
        errors=SyncJob.objects.filter(shop=shop, status=SyncJob.Status.FAILED).count(),
        open_problems=product_problems_open_for(shop=shop).count(),
        last_sync_at=last_sync,
        next_sync_at=schedule.next_run if schedule is not None else None,
        active_job=active,
        recent_jobs=recent,
    )


# -- conflicts ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ConflictFilter:
    """The list's filters as the URL carries them; `field` matches a path or its last segment."""

    status: str = Conflict.Status.OPEN
    field: str = ""
    product: str = ""
    older_than_days: int | None = None

    @property
    def older_than(self) -> timedelta | None:
        return timedelta(days=self.older_than_days) if self.older_than_days else None

    @property
    def any_set(self) -> bool:
        """Whether the filter narrows the list at all ("resolve all matching" needs it to)."""
        return bool(self.field or self.product or self.older_than_days)


def conflicts_filtered(*, shop: Shop, filters: ConflictFilter) -> QuerySet[Conflict]:
    """Open conflicts oldest first, or resolved ones (history) newest first; link joined, no N+1."""
    qs = Conflict.objects.filter(shop=shop, status=filters.status).select_related("link")
    if filters.field:
        qs = qs.filter(Q(field_path=filters.field) | Q(field_path__endswith=f".{filters.field}"))
    if filters.product:
        text = filters.product.strip()
        match = Q(link__style_number__iexact=text) | Q(link__shopify_title__icontains=text)
        match |= Q(link__joor_name__icontains=text)
        if text.isdigit():
            match |= Q(link_id=int(text))
        qs = qs.filter(match)
    if filters.older_than is not None:
        qs = qs.filter(created_at__lt=timezone.now() - filters.older_than)
    if filters.status == Conflict.Status.RESOLVED:
        return qs.order_by("-created_at", "-pk")
    return qs.order_by("created_at", "pk")


# -- links --------------------------------------------------------------------------------------


def links_filtered(*, shop: Shop, status: str = "", search: str = "") -> QuerySet[ProductLink]:
    qs = ProductLink.objects.filter(shop=shop)
    if status == "unmatched":
        qs = qs.filter(status__in=UNMATCHED_STATUSES)
    elif status:
        qs = qs.filter(status=status)
    text = search.strip()
    if text:
        match = (
            Q(style_number__icontains=text)
            | Q(shopify_title__icontains=text)
            | Q(joor_name__icontains=text)
            | Q(shopify_product_id=text)
        )
        if text.isdigit():
            match |= Q(joor_style_id=int(text))
        qs = qs.filter(match)
    # Only what the list shows: the snapshot (a whole product) stays in the database.
    return qs.defer("snapshot", "note").order_by("-pk")


_WORD = re.compile(r"[a-z0-9]+")


def _words(*texts: str) -> set[str]:
    return {w for text in texts for w in _WORD.findall(text.lower())}


def link_suggestions(*, shop: Shop, rows: list[ProductLink]) -> dict[int, list[ProductLink]]:
    """For each unmatched Shopify row, JOOR styles nobody linked yet, best word overlap first.

    Matching by barcode/SKU/style number already ran in the sync; what is left is a person's call, so
    these are ranked candidates, never a link.
    """
    wanting = [r for r in rows if r.status == ProductLink.Status.UNMATCHED_SHOPIFY]
    if not wanting:
        return {}
    pool = list(
        ProductLink.objects.filter(
            shop=shop, joor_style_id__isnull=False, shopify_product_id="", status__in=STYLE_ONLY_STATUSES
        )
        .only("pk", "joor_style_id", "style_number", "joor_name", "status")
        .order_by("-pk")[:SUGGESTION_POOL]
    )
    pool_words = [(style, _words(style.style_number, style.joor_name)) for style in pool]
    suggestions: dict[int, list[ProductLink]] = {}
    for row in wanting:
        mine = _words(row.shopify_title, row.style_number)
        scored: Counter[int] = Counter()
        for index, (_, words) in enumerate(pool_words):
            scored[index] = len(mine & words)
        ranked = sorted(range(len(pool)), key=lambda i: (-scored[i], i))[:SUGGESTIONS_PER_ROW]
        suggestions[row.pk] = [pool[i] for i in ranked]
    return suggestions


def unmatched_style_get(*, shop: Shop, joor_style_id: int) -> ProductLink | None:
    """The shop's own row for a JOOR style: a hand link may only use a style this shop has seen."""
    return ProductLink.objects.filter(shop=shop, joor_style_id=joor_style_id).first()


# -- jobs ---------------------------------------------------------------------------------------


def jobs_filtered(*, shop: Shop, status: str = "") -> QuerySet[SyncJob]:
    qs = SyncJob.objects.filter(shop=shop)
    if status:
        qs = qs.filter(status=status)
    # The checkpoint and plan can be large; the list needs neither.
    return qs.defer("checkpoint", "plan", "api_usage").order_by("-created_at", "-pk")


def jobs_any_active(*, jobs: list[SyncJob]) -> bool:
    return any(j.status in (SyncJob.Status.QUEUED, SyncJob.Status.RUNNING) for j in jobs)
