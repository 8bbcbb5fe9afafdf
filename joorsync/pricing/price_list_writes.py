"""Fixed prices written to and deleted from a price list in batches, and Shopify's refusals attributed
to the products of the variants they name.

A refused price or deletion is the problem of the product of the variant Shopify names (the error's
`field`, `["prices", "3", …]`, is the index in the batch); the rest of the batch is sent again
without it, so one bad variant never holds the others back nor stops the pass.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from joorsync.pricing.models import PriceTypeRoute
from joorsync.pricing.price_list_records import DELETE_REFUSED, REFUSED, Counts, ListPlan, Refused, Target
from joorsync.pricing.price_list_text import labels_listed, list_name, path_key, price_path
from joorsync.sync.engine.plan import Refusal
from shopify_app.admin import pricing as api
from shopify_app.admin.types import UserError

if TYPE_CHECKING:
    from joorsync.sync.engine.run import SyncRun
    from shopify_app.admin.client import AdminClient

#: Shopify takes at most 250 items in an input array (https://shopify.dev/docs/api/usage/limits).
BATCH = 250
#: A deletion answered with this code found no fixed price left to delete: what it was for.
NOT_FIXED = "PRICE_NOT_FIXED"


class PriceListWritesMixin:
    """Writing methods of `PriceListPass` (needs its run, client, counts and preview)."""

    run: SyncRun
    client: AdminClient
    counts: Counts
    preview: bool

    def _apply(
        self,
        plan: ListPlan,
        changes: dict[int, list[dict[str, Any]]],
        refused: dict[int, list[Refused]],
    ) -> None:
        adds = list(plan.adds.items())
        deletes = list(plan.deletes.items())
        if self.preview or not plan.price_list_id:
            self.counts.prices_set += len(adds)
            self.counts.prices_deleted += len(deletes)
            return
        for start in range(0, len(adds), BATCH):
            self._add(plan, dict(adds[start : start + BATCH]), changes, refused)
        for start in range(0, len(deletes), BATCH):
            self._delete(plan, dict(deletes[start : start + BATCH]), changes, refused)

    def _add(
        self,
        plan: ListPlan,
        pending: dict[str, tuple[Target, Decimal | None, Decimal]],
        changes: dict[int, list[dict[str, Any]]],
        refused: dict[int, list[Refused]],
    ) -> None:
        """One batch of fixed prices. Shopify's documentation does not say whether the rest of a batch
        is written when some prices are refused (the sandbox writes none, as the payload's `prices` is
        then null), so the prices it answers as written are taken as written and the others, less the
        refused ones, are sent again: setting a fixed price twice is harmless either way."""
        route = plan.route
        while pending:
            items = list(pending.items())
            result = api.price_list_fixed_prices_add(
                self.client,
                price_list_id=plan.price_list_id,
                prices=[
                    {"variantId": vid, "price": api.money(new, route.currency)} for vid, (_, _, new) in items
                ],
            )
            written = set(pending) if not result.user_errors else {p.variant_id for p in result.prices}
            by_variant, general = _attributed(result.user_errors, [vid for vid, _ in items], "prices")
            if general:  # not about one price (e.g. the list is gone): every price still pending
                by_variant = {vid: general for vid in pending if vid not in written} | by_variant
            for variant_id in [v for v in pending if v in written]:
                target, old, new = pending.pop(variant_id)
                self.counts.prices_set += 1
                changes[target.link.pk].append(
                    {
                        "path": price_path(route, target.key),
                        "old": _text(old),
                        "new": _text(new),
                        "by": "merge",
                    }
                )
            for variant_id, errors in by_variant.items():
                if variant_id not in pending:
                    continue
                target, _, _ = pending.pop(variant_id)
                message = "; ".join(e.message for e in errors)
                refused[target.link.pk].append(
                    Refused(route=route, code=REFUSED, key=target.key, message=message, label=target.label)
                )
            if result.user_errors and not by_variant and not written:
                # Refused without naming a price nor writing one: nothing left to learn by sending it again.
                message = "; ".join(e.message for e in result.user_errors)
                for target, _, _ in pending.values():
                    refused[target.link.pk].append(
                        Refused(
                            route=route, code=REFUSED, key=target.key, message=message, label=target.label
                        )
                    )
                return

    def _delete(
        self,
        plan: ListPlan,
        pending: dict[str, tuple[Target | None, Decimal]],
        changes: dict[int, list[dict[str, Any]]],
        refused: dict[int, list[Refused]],
    ) -> None:
        """One batch of deletions, each refusal attributed like the prices' (`_add`); a variant with no
        fixed price left (PRICE_NOT_FIXED: removed in Shopify since it was read) needs none."""
        route = plan.route
        why = "ownership" if route.destination != PriceTypeRoute.Destination.PRICE_LIST else "merge"
        while pending:
            items = list(pending.items())
            done = api.price_list_fixed_prices_delete(
                self.client, price_list_id=plan.price_list_id, variant_ids=[vid for vid, _ in items]
            )
            gone = set(pending) if not done.user_errors else set(done.deleted_variant_ids)
            by_variant, general = _attributed(done.user_errors, [vid for vid, _ in items], "variantIds")
            if general:
                by_variant = {vid: general for vid in pending if vid not in gone} | by_variant
            for variant_id in [v for v in pending if v in gone]:
                owner, old = pending.pop(variant_id)
                self.counts.prices_deleted += 1
                self._deleted(route, variant_id, owner, old, why, changes)
            for variant_id, errors in by_variant.items():
                if variant_id not in pending:
                    continue
                owner, old = pending.pop(variant_id)
                if all(e.code == NOT_FIXED for e in errors):
                    self.run.event(
                        action="price_list_price_deleted",
                        side="shopify",
                        link=owner.link if owner is not None else None,
                        message=f"Price list “{list_name(route)}”: the fixed price of "
                        f"{owner.label if owner is not None else variant_id} was already removed in Shopify",
                        details={"variant": variant_id, "old": _text(old)},
                    )
                    continue
                message = "; ".join(e.message for e in errors)
                if owner is not None:
                    refused[owner.link.pk].append(
                        Refused(
                            route=route,
                            code=DELETE_REFUSED,
                            key=owner.key,
                            message=message,
                            label=owner.label,
                        )
                    )
                else:
                    self.run.event(
                        action="price_list_delete_refused",
                        level="warning",
                        side="shopify",
                        message=f"Price list “{list_name(route)}”: Shopify refused to delete the fixed price "
                        f"of variant {variant_id}, no longer linked to a JOOR SKU: {message}",
                        details={"variant": variant_id, "old": _text(old)},
                    )
            if done.user_errors and not by_variant and not gone:
                message = "; ".join(e.message for e in done.user_errors)
                for owner, _ in pending.values():
                    if owner is not None:
                        refused[owner.link.pk].append(
                            Refused(
                                route=route,
                                code=DELETE_REFUSED,
                                key=owner.key,
                                message=message,
                                label=owner.label,
                            )
                        )
                return

    def _deleted(
        self,
        route: PriceTypeRoute,
        variant_id: str,
        owner: Target | None,
        old: Decimal,
        why: str,
        changes: dict[int, list[dict[str, Any]]],
    ) -> None:
        if owner is not None:
            changes[owner.link.pk].append(
                {"path": price_path(route, owner.key), "old": _text(old), "new": None, "by": why}
            )
            return
        self.run.event(
            action="price_list_price_deleted",
            side="shopify",
            message=f"Price list “{list_name(route)}”: the fixed price of variant {variant_id}, "
            "no longer linked to a JOOR SKU, was deleted",
            details={"variant": variant_id, "old": _text(old)},
        )


def _attributed(
    errors: Iterable[UserError], variant_ids: list[str], argument: str
) -> tuple[dict[str, list[UserError]], list[UserError]]:
    """A batch's user errors by the variant they name (`field` = [argument, index, …], the index in
    the batch sent), and those naming none."""
    by_variant: dict[str, list[UserError]] = defaultdict(list)
    general: list[UserError] = []
    for error in errors:
        path = error.field or []
        index = int(path[1]) if len(path) > 1 and path[0] == argument and path[1].isdigit() else None
        if index is not None and index < len(variant_ids):
            by_variant[variant_ids[index]].append(error)
        else:
            general.append(error)
    return dict(by_variant), general


def refusal_problems(rows: Iterable[Refused]) -> list[Refusal]:
    """One problem per price list and kind of refusal, naming the product's variants and Shopify's words."""
    groups: dict[tuple[int, str], list[Refused]] = defaultdict(list)
    for row in rows:
        groups[(row.route.pk, row.code)].append(row)
    out = []
    for (_, code), group in groups.items():
        route = group[0].route
        keys = [r.key for r in group]
        said = "; ".join(dict.fromkeys(r.message for r in group))[:1500]
        what = "prices" if code == REFUSED else "deletion of the fixed prices"
        out.append(
            Refusal(
                side="shopify",
                code=code,
                path=f"price_list[{path_key(route)}]",
                message=f"Shopify refused the {what} of "
                + labels_listed([r.label or r.key for r in group])
                + f" in price list “{list_name(route)}”: {said}",
                details={"price_type": route.label, "currency": route.currency, "variants": keys},
            )
        )
    return out


def _text(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"
