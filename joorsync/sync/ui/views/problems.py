"""`/problems`: the changes the write gate refused, per product, until the product changes again."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from joorsync.sync.models import ProductProblem
from joorsync.sync.ui import labels
from joorsync.sync.ui.auth import shop_required
from joorsync.sync.ui.pagination import paginate
from joorsync.sync.ui.queries import (
    problems_listed,
    product_names_for_gids,
    variant_names_for,
)
from joorsync.sync.ui.views.common import page
from shopify_app.models import Shop


@dataclass(frozen=True)
class ProblemRow:
    """One problem as the list shows it: the product by name, the field by its label."""

    problem: ProductProblem
    product: labels.ProductRef
    field: str
    side: str
    message: str


def problem_rows(problems: list[ProductProblem], *, shop: Shop) -> list[ProblemRow]:
    """A page of problems named for a person (one query for colour names, one for products the
    messages mention)."""
    wanted = [
        (p.link_id, key)
        for p in problems
        if p.link_id is not None
        for key in labels.variant_keys_in(p.field_path, p.message)
    ]
    names = variant_names_for(wanted=wanted)
    products = product_names_for_gids(shop=shop, gids=labels.shopify_gids_in(*(p.message for p in problems)))
    rows = []
    for p in problems:
        mine = names.get(p.link_id or 0)
        rows.append(
            ProblemRow(
                problem=p,
                product=labels.product_ref_for_subject(
                    p.subject, title=p.title, link=p.link, shop_domain=shop.shop_domain
                ),
                field=labels.field_label(p.field_path, mine) if p.field_path else "",
                side=labels.side_label(p.side),
                message=labels.humanize_text(p.message, names=mine, products=products),
            )
        )
    return rows


@require_GET
@shop_required
def problem_list(request: HttpRequest) -> HttpResponse:
    view = paginate(problems_listed(shop=request.shop), request.GET)  # type: ignore[attr-defined]
    rows = problem_rows(view.rows, shop=request.shop)  # type: ignore[attr-defined]
    return page(request, "sync/problems.html", {"pages": view, "rows": rows}, nav="problems")
