"""`/problems`: the changes the write gate refused, per product, until the product changes again."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from joorsync.sync.models import ProductProblem
from joorsync.sync.selectors import product_problems_open_for
from joorsync.sync.ui.auth import shop_required
from joorsync.sync.ui.pagination import paginate
from joorsync.sync.ui.views.common import page


def _product_name(problem: ProductProblem) -> str:
    """The name a person knows the product by; a product with no link yet shows its id."""
    link = problem.link
    named = problem.title or (link.shopify_title or link.joor_name if link is not None else "")
    return named or problem.subject


@require_GET
@shop_required
def problem_list(request: HttpRequest) -> HttpResponse:
    problems = product_problems_open_for(shop=request.shop).defer("details", "link__snapshot")  # type: ignore[attr-defined]
    view = paginate(problems, request.GET)
    rows = [(problem, _product_name(problem)) for problem in view.rows]
    return page(request, "sync/problems.html", {"pages": view, "rows": rows}, nav="problems")
