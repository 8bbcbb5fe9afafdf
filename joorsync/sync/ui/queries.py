"""Read-only queries behind the merchant UI pages, each scoped to one shop.

They complement `joorsync.sync.selectors` with what only the pages need: dashboard counts, the filtered
and ordered lists (ordered by indexed columns so a page of 10,000 rows stays cheap), suggested matches.
Each list's filters are read from the query string here too, so a list and its CSV export select the
same rows.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Case, CharField, Count, F, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.expressions import CombinedExpression
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast, Coalesce, Concat
from django.http import QueryDict
from django.utils import timezone

from joorsync.orders.models import ImportedOrder
from joorsync.orders.selectors import order_counts
from joorsync.sync.canonical import variant_path
from joorsync.sync.jobs import target_items
from joorsync.sync.models import Conflict, JoorAccount, ProductLink, ProductProblem, SyncEvent, SyncJob
from joorsync.sync.schedules import shop_schedule_get
from joorsync.sync.selectors import joor_account_get, product_problems_open_for, shop_has_admin_access
from joorsync.sync.ui.labels import field_filter_term
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
#: Colour names looked up for one page: a page of 50 rows names at most a few dozen variants.
MAX_VARIANT_NAMES = 200
#: Events that are a product's trouble without a problem row of their own.
PROBLEM_EVENT_ACTIONS = ("stock_write_failed",)
MAX_FILTER_TEXT = 255
MAX_FILTER_DAYS = 3650
#: The links list's status filter: its values and labels.
LINK_STATUS_CHOICES = [("", "All"), ("unmatched", "Unmatched (either side)"), *ProductLink.Status.choices]


@dataclass(frozen=True)
class DashboardSummary:
    shopify_connected: bool
    account: JoorAccount | None
    linked: int
    unmatched: int
    open_conflicts: int
    failed_jobs: int
    open_problems: int
    held_orders: int
    products_needing_attention: int
    last_sync_at: datetime | None
    next_sync_at: datetime | None
    active_job: SyncJob | None
    #: Annotated `with_problem_counts`.
    recent_jobs: list[SyncJob]

    @property
    def needs_attention(self) -> int:
        """Everything waiting for a person: per-product problems, conflicts, held orders, failed jobs."""
        return self.open_problems + self.open_conflicts + self.held_orders + self.failed_jobs


def _count(qs: QuerySet[Any]) -> Coalesce:
    """`qs`'s row count as a scalar subquery (0 when none), to read several counts in one query."""
    return Coalesce(Subquery(qs.order_by().values("shop").annotate(n=Count("pk")).values("n")[:1]), 0)


def dashboard_summary(*, shop: Shop, held_orders: int | None = None) -> DashboardSummary:
    """Everything the dashboard shows, in a handful of indexed queries (no outside call).
    `held_orders` when the caller already counted the shop's orders (else they are counted here)."""
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
    recent = list(
        with_problem_counts(
            SyncJob.objects.filter(shop=shop)
            .defer("checkpoint", "plan", "api_usage")
            .order_by("-created_at", "-pk")
        )[:5]
    )
    counts = (
        Shop.objects.filter(pk=shop.pk)
        .annotate(
            open_conflicts=_count(Conflict.objects.filter(shop=OuterRef("pk"), status=Conflict.Status.OPEN)),
            failed_jobs=_count(SyncJob.objects.filter(shop=OuterRef("pk"), status=SyncJob.Status.FAILED)),
            open_problems=_count(
                ProductProblem.objects.filter(shop=OuterRef("pk"), status=ProductProblem.Status.OPEN)
            ),
        )
        .values("open_conflicts", "failed_jobs", "open_problems")
        .get()
    )
    if held_orders is None:
        held_orders = order_counts(shop=shop).get(ImportedOrder.State.HELD, 0)
    active = next((j for j in recent if j.status in (SyncJob.Status.QUEUED, SyncJob.Status.RUNNING)), None)
    return DashboardSummary(
        shopify_connected=shop_has_admin_access(shop=shop),
        account=account,
        linked=by_status.get(ProductLink.Status.LINKED, 0),
        unmatched=sum(by_status.get(s, 0) for s in UNMATCHED_STATUSES),
        open_conflicts=counts["open_conflicts"],
        failed_jobs=counts["failed_jobs"],
        open_problems=counts["open_problems"],
        held_orders=held_orders,
        products_needing_attention=products_needing_attention(shop=shop),
        last_sync_at=last_sync,
        next_sync_at=schedule.next_run if schedule is not None else None,
        active_job=active,
        recent_jobs=recent,
    )


def products_needing_attention(*, shop: Shop) -> int:
    """How many products have an open conflict or an open problem, each product counted once: by its
    link, or for a problem of a product with no link yet, by the problem's subject."""

    def by_link() -> Concat:
        return Concat(Value("link:"), Cast("link_id", CharField()), output_field=CharField())

    conflicts = (
        Conflict.objects.filter(shop=shop, status=Conflict.Status.OPEN)
        .annotate(product=by_link())
        .order_by()
        .values_list("product")
    )
    problems = (
        product_problems_open_for(shop=shop)
        .annotate(
            product=Case(
                When(link__isnull=False, then=by_link()), default=F("subject"), output_field=CharField()
            )
        )
        .order_by()
        .values_list("product")
    )
    return conflicts.union(problems).count()


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


def conflict_filter_from(params: QueryDict) -> ConflictFilter:
    """The filters a query string (or a bulk form) asks for; an unknown status means the open list."""
    status = params.get("status", Conflict.Status.OPEN)
    days_text = params.get("older_than", "").strip()
    days = int(days_text) if days_text.isdigit() else None
    return ConflictFilter(
        status=status if status in Conflict.Status.values else Conflict.Status.OPEN,
        field=params.get("field", "").strip()[:MAX_FILTER_TEXT],
        product=params.get("product", "").strip()[:MAX_FILTER_TEXT],
        older_than_days=min(days, MAX_FILTER_DAYS) if days else None,
    )


def conflicts_filtered(*, shop: Shop, filters: ConflictFilter) -> QuerySet[Conflict]:
    """Open conflicts oldest first, or resolved ones (history) newest first; link joined, no N+1."""
    qs = Conflict.objects.filter(shop=shop, status=filters.status).select_related("link")
    if filters.field:
        term = field_filter_term(filters.field)
        qs = qs.filter(Q(field_path=term) | Q(field_path__endswith=f".{term}"))
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


@dataclass(frozen=True)
class LinkFilter:
    """The links list's filters as the URL carries them (`status`, `q`, and `link`: one product's row)."""

    status: str = ""
    search: str = ""
    link_id: int | None = None


def link_filter_from(params: QueryDict) -> LinkFilter:
    """The filters a query string asks for; an unknown status means every row."""
    status = params.get("status", "")
    one = params.get("link", "")
    return LinkFilter(
        status=status if status in dict(LINK_STATUS_CHOICES) else "",
        search=params.get("q", "").strip()[:MAX_FILTER_TEXT],
        link_id=int(one) if one.isdigit() else None,
    )


def links_filtered(
    *, shop: Shop, status: str = "", search: str = "", link_id: int | None = None
) -> QuerySet[ProductLink]:
    """The links list; `link_id` narrows it to one product's row (where other pages link to)."""
    qs = ProductLink.objects.filter(shop=shop)
    if link_id is not None:
        qs = qs.filter(pk=link_id)
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
    return qs.defer("snapshot").order_by("-pk")


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


# -- problems -----------------------------------------------------------------------------------


def problems_listed(*, shop: Shop) -> QuerySet[ProductProblem]:
    """The open problems the page lists, oldest first, without the stored details nor snapshots."""
    return product_problems_open_for(shop=shop).defer("details", "link__snapshot")


def problem_product_name(problem: ProductProblem) -> str:
    """The name a person knows the product by; a product with no link yet shows its id."""
    link = problem.link
    named = problem.title or (link.shopify_title or link.joor_name if link is not None else "")
    return named or problem.subject


# -- jobs ---------------------------------------------------------------------------------------


def jobs_filtered(*, shop: Shop, status: str = "") -> QuerySet[SyncJob]:
    qs = SyncJob.objects.filter(shop=shop)
    if status:
        qs = qs.filter(status=status)
    # The checkpoint and plan can be large; the list needs neither.
    return qs.defer("checkpoint", "plan", "api_usage").order_by("-created_at", "-pk")


def jobs_any_active(*, jobs: list[SyncJob]) -> bool:
    return any(j.status in (SyncJob.Status.QUEUED, SyncJob.Status.RUNNING) for j in jobs)


def _left_problems() -> CombinedExpression:
    """A job's problems, conflicts and failed stock writes, counted in subqueries of the job's row."""
    problems = ProductProblem.objects.filter(job=OuterRef("pk")).order_by().values("job")
    conflicts = Conflict.objects.filter(job=OuterRef("pk")).order_by().values("job")
    events = (
        SyncEvent.objects.filter(job=OuterRef("pk"), action__in=PROBLEM_EVENT_ACTIONS)
        .order_by()
        .values("job")
    )

    def count(qs: QuerySet[Any]) -> Coalesce:
        return Coalesce(Subquery(qs.annotate(n=Count("pk")).values("n")[:1]), 0)

    return count(problems) + count(conflicts) + count(events)


def with_problem_counts(jobs: QuerySet[SyncJob]) -> QuerySet[SyncJob]:
    """The jobs, each with `left_problems`: what `job_problem_counts` counts, read in the same query
    as the jobs (a page of them costs no more queries)."""
    return jobs.annotate(left_problems=_left_problems())


def job_problem_counts(*, jobs: Iterable[SyncJob]) -> dict[int, int]:
    """Per job, what it left for a person: the problems and conflicts recorded with it, and the
    failed stock writes it logged (which have no problem row). Previews record nothing: they count 0."""
    ids = [job.pk for job in jobs]
    if not ids:
        return {}
    counted = (
        SyncJob.objects.filter(pk__in=ids)
        .annotate(left_problems=_left_problems())
        .values_list("pk", "left_problems")
    )
    return {pk: n for pk, n in counted if n}


def job_targets(*, shop: Shop, jobs: Iterable[SyncJob]) -> dict[int, list[ProductLink]]:
    """The products one-product jobs (webhook, conflict resolution, a hand link) were asked to sync,
    by job; found by link id, Shopify product id or JOOR style id, whichever the target holds."""
    items = {job.pk: target_items(job.target) for job in jobs if job.target}
    link_ids = {
        int(i["link_id"])
        for entries in items.values()
        for i in entries
        if str(i.get("link_id", "")).isdigit()
    }
    gids = {
        str(i["shopify_product_id"])
        for entries in items.values()
        for i in entries
        if i.get("shopify_product_id")
    }
    styles = {
        int(i["joor_style_id"])
        for entries in items.values()
        for i in entries
        if str(i.get("joor_style_id", "")).isdigit()
    }
    if not (link_ids or gids or styles):
        return {}
    found = list(
        ProductLink.objects.filter(shop=shop)
        .filter(Q(pk__in=link_ids) | Q(shopify_product_id__in=gids) | Q(joor_style_id__in=styles))
        .defer("snapshot")
    )
    by_key: dict[tuple[str, Any], ProductLink] = {}
    for link in found:
        by_key[("link_id", link.pk)] = link
        if link.shopify_product_id:
            by_key[("shopify_product_id", link.shopify_product_id)] = link
        if link.joor_style_id is not None:
            by_key[("joor_style_id", link.joor_style_id)] = link
    out: dict[int, list[ProductLink]] = {}
    for job_id, entries in items.items():
        chosen: dict[int, ProductLink] = {}
        for item in entries:
            for key in ("link_id", "shopify_product_id", "joor_style_id"):
                value: Any = item.get(key)
                if key != "shopify_product_id" and str(value).isdigit():
                    value = int(value)
                found_link = by_key.get((key, value))
                if found_link is not None:
                    chosen.setdefault(found_link.pk, found_link)
                    break
        if chosen:
            out[job_id] = list(chosen.values())
    return out


def links_for_plan(*, shop: Shop, plan: list[dict[str, Any]] | None) -> dict[str, ProductLink]:
    """The products a preview's plan names, by style number and by Shopify product id."""
    numbers: set[str] = set()
    gids: set[str] = set()
    for entry in plan or []:
        for key in ("style_number", "create_in_shopify", "create_in_joor"):
            if entry.get(key):
                numbers.add(str(entry[key]))
        if entry.get("shopify_product_id"):
            gids.add(str(entry["shopify_product_id"]))
    if not (numbers or gids):
        return {}
    found = ProductLink.objects.filter(shop=shop).filter(
        Q(style_number__in=numbers) | Q(shopify_product_id__in=gids)
    )
    out: dict[str, ProductLink] = {}
    for link in found.defer("snapshot").order_by("pk"):
        if link.shopify_product_id:
            out.setdefault(link.shopify_product_id, link)
        if link.style_number:
            out.setdefault(link.style_number, link)
    return out


# -- names for a page of rows -------------------------------------------------------------------


def variant_names_for(*, wanted: Iterable[tuple[int, str]]) -> dict[int, dict[str, str]]:
    """Colour names for (link id, variant key) pairs, read from the links' snapshots in the database:
    only the names travel, never the snapshots (a whole product each). Callers pass link ids of
    their own shop's rows."""
    pairs = sorted(set(wanted))[:MAX_VARIANT_NAMES]
    if not pairs:
        return {}
    keys = sorted({key for _, key in pairs})
    link_ids = sorted({link_id for link_id, _ in pairs})
    columns = {
        f"n{i}": KeyTextTransform(variant_path(key, "color_name"), "snapshot") for i, key in enumerate(keys)
    }
    names: dict[int, dict[str, str]] = defaultdict(dict)
    for row in ProductLink.objects.filter(pk__in=link_ids).annotate(**columns).values("pk", *columns):
        for i, key in enumerate(keys):
            value = row[f"n{i}"]
            if isinstance(value, str) and value:
                names[row["pk"]][key] = value
    return dict(names)


def product_names_for_gids(*, shop: Shop, gids: Iterable[str]) -> dict[str, str]:
    """The titles of the shop's Shopify products among `gids` (ids quoted in the sync's sentences)."""
    wanted = sorted({gid for gid in gids if gid.startswith("gid://shopify/Product/")})[:MAX_VARIANT_NAMES]
    if not wanted:
        return {}
    rows = ProductLink.objects.filter(shop=shop, shopify_product_id__in=wanted).values_list(
        "shopify_product_id", "shopify_title", "joor_name", "style_number"
    )
    return {
        gid: title or name or (f"Style {number}" if number else "")
        for gid, title, name, number in rows
        if title or name or number
    }
