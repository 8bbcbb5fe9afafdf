"""Reading order inputs: money bags, tax lines, mailing addresses, metafields, times."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from shopify_app.sandbox.geo import COUNTRY_NAMES, country_code, zone_code, zone_name
from shopify_app.sandbox.models import Metafield, gid
from shopify_app.sandbox.order_models import Money, TaxLine, cents
from shopify_app.sandbox.store import ShopState

Path = list[str]


class InputProblem(ValueError):
    """An input value the order cannot take; carries the userError to answer with."""

    def __init__(self, field: Path | None, message: str, code: str | None = "INVALID") -> None:
        super().__init__(message)
        self.error = {"field": field, "message": message, "code": code}


def decimal_in(value: Any, field: Path) -> Decimal:
    """A `Decimal` input. Not recorded: the sandbox's Decimal scalar passes text through, so a value
    that is no number is refused here, as an INVALID userError on its field."""
    try:
        return Decimal(str(value).strip())
    except (InvalidOperation, ValueError) as exc:
        raise InputProblem(field, "Amount is not a valid decimal") from exc


def money_in(value: dict[str, Any], field: Path) -> Money:
    """A `MoneyBagInput`; without `presentmentMoney` the presentment amount is the shop amount."""
    shop = decimal_in(value["shopMoney"]["amount"], [*field, "shopMoney", "amount"])
    presentment = value.get("presentmentMoney")
    if presentment is None:
        return Money(shop, shop)
    return Money(shop, decimal_in(presentment["amount"], [*field, "presentmentMoney", "amount"]))


def tax_lines_in(
    items: list[dict[str, Any]] | None, base: Money, field: Path, included: bool = False
) -> list[TaxLine]:
    """Tax lines of a line item or shipping line; a missing amount is `rate × base` (the part of
    `base` that is tax when taxes are included).

    Recorded (2025-01 order-create-validation-matrix-extended, source project's fixture): an empty
    rate is TAX_LINE_RATE_MISSING on `…taxLines.{i}.rate` (its message is not recorded)."""
    out = []
    for index, item in enumerate(items or []):
        here = [*field, "taxLines", str(index)]
        if item.get("rate") is None or str(item["rate"]).strip() == "":
            raise InputProblem([*here, "rate"], "Tax line rate is missing", "TAX_LINE_RATE_MISSING")
        rate = decimal_in(item["rate"], [*here, "rate"])
        if item.get("priceSet") is not None:
            price = money_in(item["priceSet"], [*here, "priceSet"])
        else:
            factor = rate / (1 + rate) if included else rate
            price = Money(cents(base.shop * factor), cents(base.presentment * factor))
        out.append(TaxLine(item["title"], rate, price, item.get("channelLiable")))
    return out


def address_in(state: ShopState, value: dict[str, Any] | None) -> dict[str, Any] | None:
    """A `MailingAddressInput` as the `MailingAddress` it reads back as (country and region names
    from their codes; recorded: order-update-parity reads `Canada`/`Ontario`)."""
    if value is None:
        return None
    code = country_code(value.get("countryCode") or value.get("country"))
    region = zone_code(code, value.get("provinceCode") or value.get("province"))
    name = " ".join(part for part in (value.get("firstName"), value.get("lastName")) if part) or None
    return {
        "id": f"gid://shopify/MailingAddress/{state.next_id()}?model_name=Address",
        "firstName": value.get("firstName"),
        "lastName": value.get("lastName"),
        "name": name,
        "company": value.get("company"),
        "address1": value.get("address1"),
        "address2": value.get("address2"),
        "city": value.get("city"),
        "zip": value.get("zip"),
        "phone": value.get("phone"),
        "countryCodeV2": code,
        "country": COUNTRY_NAMES.get(code, code) if code else value.get("country"),
        "provinceCode": region,
        "province": zone_name(code, region),
    }


def attributes_in(
    items: list[dict[str, Any]] | None, key: str = "key", value: str = "value"
) -> list[tuple[str, str]]:
    return [(item[key], item[value]) for item in items or []]


def metafields_in(
    state: ShopState, owner_gid: str, existing: list[Metafield], items: list[dict[str, Any]] | None, now: str
) -> list[Metafield]:
    """Metafields after writing `items` (a `MetafieldInput` list) over `existing`: same namespace and
    key update the value, others are added (recorded: order-update-parity creates `custom.gift`)."""
    out = list(existing)
    for item in items or []:
        namespace = item.get("namespace") or state.app_namespace
        found = next((m for m in out if m.namespace == namespace and m.key == item.get("key")), None)
        if found is not None:
            if item.get("value") is not None and item["value"] != found.value:
                found.value = item["value"]
                found.updated_at = now
            found.type = item.get("type") or found.type
            continue
        out.append(
            Metafield(
                state.next_id(),
                owner_gid,
                namespace,
                item.get("key") or "",
                item.get("type") or "single_line_text_field",
                item.get("value") or "",
                now,
                now,
            )
        )
    return out


def parse_time(value: str) -> datetime | None:
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def order_gid(order_id: int) -> str:
    return gid("Order", order_id)
