"""Reads behind the order pages, each scoped to one shop: the list's state tabs and their counts, the
filtered list (and its filters as the query string carries them, shared by the list and its CSV
export), the import running now, and the dashboard's order counts. They build on
`joorsync.orders.selectors` with what only the pages need."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django.db.models import QuerySet
from django.http import QueryDict

from joorsync.orders.models import ImportedOrder
from joorsync.orders.selectors import order_counts, orders_list
from joorsync.sync.models import SyncJob
from shopify_app.models import Shop

State = ImportedOrder.State
MAX_QUERY_LENGTH = 255


@dataclass(frozen=True)
class StateTab:
    """One filter of the list: its `?state=` value, its label, and the states it shows."""

    key: str
    label: str
    states: tuple[str, ...]


TABS = (
    StateTab("", "All", ()),
    StateTab("imported", "Imported", (State.IMPORTED,)),
    StateTab("held", "Held", (State.HELD,)),
    StateTab("conflict", "Needs a decision", (State.CONFLICT,)),
    StateTab("waiting", "Waiting", (State.RECEIVED, State.CREATING)),
    StateTab("cancelled", "Cancelled", (State.CANCELLED,)),
    StateTab("skipped", "Not imported", (State.SKIPPED,)),
)
TABS_BY_KEY = {tab.key: tab for tab in TABS}


def state_tab(key: str) -> StateTab:
    """The tab a `?state=` value names; anything else is "All"."""
    return TABS_BY_KEY.get(key, TABS[0])


@dataclass(frozen=True)
class TabLink:
    tab: StateTab
    count: int
    href: str
    current: bool


def order_tabs(*, shop: Shop, current: StateTab, query: str, base: str) -> list[TabLink]:
    """Every tab with its count (one grouped query) and a link to `base` that keeps the search."""
    counts = order_counts(shop=shop)
    links = []
    for tab in TABS:
        count = sum(counts.values()) if not tab.states else sum(counts.get(s, 0) for s in tab.states)
        params = {k: v for k, v in (("state", tab.key), ("q", query)) if v}
        href = f"{base}?{urlencode(params)}" if params else base
        links.append(TabLink(tab=tab, count=count, href=href, current=tab == current))
    return links


@dataclass(frozen=True)
class OrderFilter:
    """The list's filters as the URL carries them: the state tab (`state`) and the search (`q`)."""

    tab: StateTab
    query: str


def order_filter_from(params: QueryDict) -> OrderFilter:
    return OrderFilter(
        tab=state_tab(params.get("state", "")),
        query=params.get("q", "").strip()[:MAX_QUERY_LENGTH],
    )


def orders_filtered(*, shop: Shop, tab: StateTab, query: str) -> QuerySet[ImportedOrder]:
    """The list newest first; the stored JOOR documents are left unread (the detail page reads one)."""
    rows = orders_list(shop=shop, query=query[:MAX_QUERY_LENGTH])
    if tab.states:
        rows = rows.filter(state__in=tab.states)
    return rows.defer("document")


def orders_import_active(*, shop: Shop) -> SyncJob | None:
    """The shop's order import waiting or running now, if any."""
    return (
        SyncJob.objects.filter(
            shop=shop,
            kind=SyncJob.Kind.ORDERS,
            status__in=(SyncJob.Status.QUEUED, SyncJob.Status.RUNNING),
        )
        .order_by("-created_at", "-pk")
        .first()
    )


@dataclass(frozen=True)
class OrdersSummary:
    """The dashboard's order counts."""

    total: int
    imported: int
    held: int
    conflict: int
    waiting: int

    @property
    def attention(self) -> bool:
        return bool(self.held or self.conflict)


def orders_dashboard_summary(*, shop: Shop) -> OrdersSummary:
    counts = order_counts(shop=shop)
    return OrdersSummary(
        total=sum(counts.values()),
        imported=counts.get(State.IMPORTED, 0),
        held=counts.get(State.HELD, 0),
        conflict=counts.get(State.CONFLICT, 0),
        waiting=counts.get(State.RECEIVED, 0) + counts.get(State.CREATING, 0),
    )
