"""One pagination rule for every list: 50 rows a page, `?page=N`, links that keep the filters."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import QueryDict

PER_PAGE = 50


@dataclass(frozen=True)
class PageView:
    page: Page
    previous_query: str
    next_query: str

    @property
    def rows(self) -> list[Any]:
        return list(self.page.object_list)


def _query_for(params: QueryDict, number: int) -> str:
    query = params.copy()
    query["page"] = str(number)
    return "?" + query.urlencode()


def paginate(queryset: QuerySet[Any], params: QueryDict, *, per_page: int = PER_PAGE) -> PageView:
    """The requested page (out-of-range and junk numbers fall back to the nearest valid page)."""
    page = Paginator(queryset, per_page, allow_empty_first_page=True).get_page(params.get("page"))
    # Evaluate once: templates iterate the rows several times.
    page.object_list = list(page.object_list)
    return PageView(
        page=page,
        previous_query=_query_for(params, page.previous_page_number()) if page.has_previous() else "",
        next_query=_query_for(params, page.next_page_number()) if page.has_next() else "",
    )
