"""`orderCreate`: validate an `OrderCreateOrderInput`, then build the order, its fulfilment orders,
payments, stock claims and (optionally) its fulfilment.

Recorded: 2025-01 order-create-parity, order-create-math-matrix, order-create-line-item-fields,
order-create-fulfillment-assigned-location, orderCreate-state-derived-payment-and-count, and the
source project's order-create-validation-matrix(-extended) fixtures for the refusals. Problems the
recordings do not show carry the schema's error codes with wording noted where it is used.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from shopify_app.sandbox import order_money as m
from shopify_app.sandbox.fulfillments import fulfill_everything, open_fulfillment_orders, tracking_in
from shopify_app.sandbox.models import Variant, gid, parse_gid
from shopify_app.sandbox.normalize import normalize_phone, normalize_tags
from shopify_app.sandbox.order_inputs import (
    InputProblem,
    address_in,
    attributes_in,
    decimal_in,
    iso,
    metafields_in,
    money_in,
    parse_time,
    tax_lines_in,
)
from shopify_app.sandbox.order_inventory import adjust, available_at, stocking_location
from shopify_app.sandbox.order_models import (
    ZERO,
    FulfillmentEvent,
    LineItem,
    Money,
    Order,
    ShippingLine,
    TaxLine,
    Transaction,
    cents,
    total,
)
from shopify_app.sandbox.order_parties import company_location_for_order, customer_for_order, record_order
from shopify_app.sandbox.order_payloads import fulfillment_change, order_changes
from shopify_app.sandbox.store import Change, ShopState

ORDER = ["order"]
# From this version a future processedAt is clamped to now; before it, PROCESSED_AT_INVALID (schema
# description of OrderCreateOrderInput.processedAt).
CLAMP_PROCESSED_AT_FROM = "2026-07"
# Live Shopify refuses a DECREMENT_OBEYING_POLICY order it cannot reserve stock for with this INVALID
# error rather than the documented INVENTORY_CLAIM_FAILED (not among the recordings).
RESERVE_FAILED = "Line items Unable to reserve inventory"


def problem(field: list[str] | None, message: str, code: str | None = "INVALID") -> dict[str, Any]:
    return {"field": field, "message": message, "code": code}


def create_order(
    state: ShopState,
    data: dict[str, Any],
    options: dict[str, Any] | None,
    api_version: str,
    changes: list[Change],
) -> tuple[Order | None, list[dict[str, Any]]]:
    items = data.get("lineItems") or []
    if not items:
        # Recorded (order-create-validation-matrix): no line items.
        return None, [problem([*ORDER, "lineItems"], "Line items must have at least one line item")]
    now = state.now()
    try:
        lines, variants = _lines(state, items)
        shipping_lines = _shipping_lines(state, data.get("shippingLines"), bool(data.get("taxesIncluded")))
        code = _apply_discount(lines, shipping_lines, data.get("discountCode"))
        _taxes(lines, items, data.get("taxLines"), bool(data.get("taxesIncluded")))
        transactions = [_transaction(state, t, now, i) for i, t in enumerate(data.get("transactions") or [])]
        processed_at = _processed_at(data.get("processedAt"), now, api_version)
        locations = _locations(state, data, lines, variants)
    except InputProblem as exc:
        return None, [exc.error]
    company_location_id, errors = company_location_for_order(state, data.get("companyLocationId"))
    if errors:
        return None, errors
    phone = data.get("phone")
    if phone is not None and normalize_phone(phone) is None:
        # The message orderUpdate gives for the same input (recorded: orderUpdate-input-validation).
        return None, [problem([*ORDER, "phone"], "Phone is invalid")]
    behaviour = (options or {}).get("inventoryBehaviour") or "BYPASS"
    claims = _claims(state, lines, variants, locations, behaviour)
    if claims is None:
        return None, [problem([*ORDER, "lineItems"], RESERVE_FAILED)]
    customer_id, errors = customer_for_order(state, data, changes)
    if errors:
        return None, errors
    order = _order(state, data, now, processed_at)
    order.line_items, order.shipping_lines, order.transactions = lines, shipping_lines, transactions
    for line in lines:
        line.order_id = order.id
    for transaction in transactions:
        transaction.order_id = order.id
    order.customer_id, order.company_location_id = customer_id, company_location_id
    order.phone = normalize_phone(phone) if phone else None
    order.discount_code = code
    for line in lines:
        if line.id in claims:
            location_id, units = claims[line.id]
            adjust(state, changes, line.variant_id, location_id, available=-units)
            line.claimed_location_id, line.claimed = location_id, units
    open_fulfillment_orders(state, order, locations, now)
    state.orders[order.id] = order
    fulfilled = _fulfil_at_creation(state, order, data, changes)
    m.settle_closed(order, now)
    record_order(state, order, m.grand_total(order).shop)
    changes.extend(order_changes(state, order, "orders/create"))
    if m.display_financial_status(order) == "PAID":
        changes.extend(order_changes(state, order, "orders/paid"))
    for fulfillment in fulfilled:
        changes.append(fulfillment_change(order, fulfillment, "fulfillments/create"))
    if fulfilled:
        changes.extend(order_changes(state, order, "orders/fulfilled"))
    return order, []


def _order(state: ShopState, data: dict[str, Any], now: str, processed_at: str) -> Order:
    order_id = state.next_id()
    number = state.next_order_number
    state.next_order_number += 1
    currency = data.get("currency") or state.currency
    order = Order(
        id=order_id,
        number=number,
        name=f"#{number}",
        created_at=now,
        updated_at=now,
        processed_at=processed_at,
        currency=currency,
        presentment_currency=data.get("presentmentCurrency") or currency,
        email=data.get("email"),
        po_number=data.get("poNumber"),
        note=data.get("note"),
        tags=normalize_tags(data.get("tags")),
        source_name=data.get("sourceName"),
        source_identifier=data.get("sourceIdentifier"),
        test=bool(data.get("test")),
        custom_attributes=attributes_in(data.get("customAttributes")),
        billing_address=address_in(state, data.get("billingAddress")),
        shipping_address=address_in(state, data.get("shippingAddress")),
        taxes_included=bool(data.get("taxesIncluded")),
        financial_status=data.get("financialStatus"),
        fulfillment_status=data.get("fulfillmentStatus")
        if data.get("fulfillmentStatus") != "FULFILLED"
        else None,
    )
    order.metafields = metafields_in(state, gid("Order", order_id), [], data.get("metafields"), now)
    return order


# ----- lines ---------------------------------------------------------------------------------------
def _lines(state: ShopState, items: list[dict[str, Any]]) -> tuple[list[LineItem], dict[int, Variant]]:
    lines: list[LineItem] = []
    variants: dict[int, Variant] = {}
    for index, item in enumerate(items):
        path = [*ORDER, "lineItems", str(index)]
        if item["quantity"] < 1:
            # Not recorded for orderCreate: the wording fulfillmentCreate gives for a quantity below 1.
            raise InputProblem([*path, "quantity"], "Quantity must be greater than 0")
        variant = None
        if item.get("variantId") is not None:
            variant = state.variant(parse_gid(item["variantId"], "ProductVariant"))
            if variant is None:
                # Not recorded for orderCreate: the wording orderEdit gives for an unknown variant.
                raise InputProblem([*path, "variantId"], "The variant does not exist in the shop.")
        lines.append(_line(state, item, variant, path))
        if variant is not None:
            variants[lines[-1].id] = variant
    return lines, variants


def _line(state: ShopState, item: dict[str, Any], variant: Variant | None, path: list[str]) -> LineItem:
    product = state.product_of(variant) if variant is not None else None
    if item.get("priceSet") is not None:
        price = money_in(item["priceSet"], [*path, "priceSet"])
    elif variant is not None:
        price = Money(Decimal(variant.price), Decimal(variant.price))
    else:
        price = ZERO
    title = item.get("title") or (product.title if product is not None else None)
    if not title:
        # Not recorded: a custom item (no variant) needs a title, as LineItem.title is non-null.
        raise InputProblem([*path, "title"], "Title can't be blank")
    default_title = variant.title if variant is not None and variant.title != "Default Title" else None
    product_id = product.id if product is not None else parse_gid(item.get("productId"), "Product")
    return LineItem(
        id=state.next_id(),
        title=title,
        quantity=item["quantity"],
        price=price,
        sku=item.get("sku") or (variant.sku if variant is not None else None),
        variant_id=variant.id if variant is not None else None,
        product_id=product_id if product_id in state.products else None,
        variant_title=item.get("variantTitle") or default_title,
        vendor=item.get("vendor") or (product.vendor if product is not None else None),
        requires_shipping=_flag(item, "requiresShipping", variant.requires_shipping if variant else True),
        taxable=_flag(item, "taxable", variant.taxable if variant else True),
        properties=attributes_in(item.get("properties"), "name", "value"),
    )


def _flag(item: dict[str, Any], key: str, default: bool) -> bool:
    return bool(item[key]) if item.get(key) is not None else default


def _taxes(
    lines: list[LineItem],
    items: list[dict[str, Any]],
    order_taxes: list[dict[str, Any]] | None,
    included: bool,
) -> None:
    """Tax lines on the lines, or on the order and split across the taxable lines in proportion to
    their discounted totals (schema: OrderCreateOrderInput.taxLines, "on the order or the line items
    but not both"). A tax without an amount is its rate of the discounted line total."""
    bases = [m.line_original_total(line) - line.discount for line in lines]
    for index, (line, item, base) in enumerate(zip(lines, items, bases, strict=True)):
        line.tax_lines = tax_lines_in(item.get("taxLines"), base, [*ORDER, "lineItems", str(index)], included)
    if not order_taxes:
        return
    if any(line.tax_lines for line in lines):
        raise InputProblem(
            [*ORDER, "taxLines"], "Tax lines can be specified on the order or its line items, not both"
        )
    taxable = [(line, base) for line, base in zip(lines, bases, strict=True) if line.taxable]
    whole = total([base for _, base in taxable])
    for tax in tax_lines_in(order_taxes, whole, ORDER, included):
        shares = [tax.price.share(base.shop, whole.shop) for _, base in taxable]
        if shares:
            shares[-1] = tax.price - total(shares[:-1])
        for (line, _), share in zip(taxable, shares, strict=True):
            line.tax_lines.append(TaxLine(tax.title, tax.rate, share, tax.channel_liable))


def _shipping_lines(
    state: ShopState, items: list[dict[str, Any]] | None, included: bool
) -> list[ShippingLine]:
    out = []
    for index, item in enumerate(items or []):
        path = [*ORDER, "shippingLines", str(index)]
        price = money_in(item["priceSet"], [*path, "priceSet"])
        out.append(
            ShippingLine(
                state.next_id(),
                item["title"],
                price,
                item.get("code"),
                item.get("source"),
                tax_lines_in(item.get("taxLines"), price, path, included),
            )
        )
    return out


def _apply_discount(
    lines: list[LineItem], shipping_lines: list[ShippingLine], code: dict[str, Any] | None
) -> str | None:
    """The discount code (one per order, schema): a fixed amount or a percentage spread over the lines
    in proportion to their totals, or free shipping (recorded: math-matrix fixedDiscount takes 5.00 off
    the subtotal). Returns the code."""
    if not code:
        return None
    if code.get("freeShippingDiscountCode"):
        for shipping in shipping_lines:
            shipping.discount = shipping.price
        return str(code["freeShippingDiscountCode"]["code"])
    totals = [m.line_original_total(line) for line in lines]
    whole = total(totals)
    field = [*ORDER, "discountCode"]
    if code.get("itemFixedDiscountCode"):
        given = code["itemFixedDiscountCode"]
        amount = (
            money_in(given["amountSet"], [*field, "itemFixedDiscountCode", "amountSet"])
            if given.get("amountSet")
            else ZERO
        )
    elif code.get("itemPercentageDiscountCode"):
        given = code["itemPercentageDiscountCode"]
        rate = (
            decimal_in(given.get("percentage") or 0, [*field, "itemPercentageDiscountCode", "percentage"])
            / 100
        )
        amount = Money(cents(whole.shop * rate), cents(whole.presentment * rate))
    else:
        return None
    amount = Money(min(amount.shop, whole.shop), min(amount.presentment, whole.presentment))
    shares = [amount.share(line_total.shop, whole.shop) for line_total in totals]
    if shares:
        shares[-1] = amount - total(shares[:-1])
    for line, share in zip(lines, shares, strict=True):
        line.discount = share
    return str(given["code"])


def _transaction(state: ShopState, item: dict[str, Any], now: str, index: int) -> Transaction:
    amount = money_in(item["amountSet"], [*ORDER, "transactions", str(index), "amountSet"])
    processed = parse_time(item["processedAt"]) if item.get("processedAt") else None
    return Transaction(
        id=state.next_id(),
        kind=item.get("kind") or "SALE",
        status=item.get("status") or "SUCCESS",
        gateway=item.get("gateway") or "manual",
        amount=amount,
        created_at=now,
        processed_at=iso(processed) if processed else now,
        test=bool(item.get("test")),
        authorization_code=item.get("authorizationCode"),
    )


def _processed_at(value: str | None, now: str, api_version: str) -> str:
    if not value:
        return now
    moment = parse_time(value)
    if moment is None:
        raise InputProblem([*ORDER, "processedAt"], "Processed at is invalid", "PROCESSED_AT_INVALID")
    current = datetime.strptime(now, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    if moment > current:
        if api_version >= CLAMP_PROCESSED_AT_FROM:
            return now
        # Recorded code and field (order-create-validation-matrix-extended); the message is not.
        raise InputProblem(
            [*ORDER, "processedAt"], "Processed at can't be in the future", "PROCESSED_AT_INVALID"
        )
    return iso(moment)


# ----- where, and with what stock -----------------------------------------------------------------
def _locations(
    state: ShopState, data: dict[str, Any], lines: list[LineItem], variants: dict[int, Variant]
) -> dict[int, int]:
    """Line id → the location it is assigned to: `fulfillment.locationId` for all when given, else
    where the variant is stocked (the primary location for custom items; recorded:
    order-create-fulfillment-assigned-location)."""
    given = (data.get("fulfillment") or {}).get("locationId")
    if given is not None:
        location_id = parse_gid(given, "Location")
        if location_id not in state.locations:
            # Not recorded for orderCreate: the wording fulfillmentOrderMove gives for an unknown location.
            raise InputProblem([*ORDER, "fulfillment", "locationId"], "Location not found.")
        assert location_id is not None
        return {line.id: location_id for line in lines}
    return {line.id: stocking_location(state, variants.get(line.id)).id for line in lines}


def _claims(
    state: ShopState,
    lines: list[LineItem],
    variants: dict[int, Variant],
    locations: dict[int, int],
    behaviour: str,
) -> dict[int, tuple[int, int]] | None:
    """Line id → (location, units) to take off `available` (None: DECREMENT_OBEYING_POLICY cannot
    reserve them —
    a tracked variant that denies overselling has too few)."""
    if behaviour == "BYPASS":
        return {}
    claims: dict[int, tuple[int, int]] = {}
    demand: dict[tuple[int, int], int] = {}
    for line in lines:
        variant = variants.get(line.id)
        if variant is None or not variant.tracked:
            continue
        location_id = locations[line.id]
        key = (variant.id, location_id)
        demand[key] = demand.get(key, 0) + line.quantity
        if (
            behaviour == "DECREMENT_OBEYING_POLICY"
            and variant.inventory_policy == "DENY"
            and available_at(state, variant, location_id) < demand[key]
        ):
            return None
        claims[line.id] = (location_id, line.quantity)
    return claims


def _fulfil_at_creation(
    state: ShopState, order: Order, data: dict[str, Any], changes: list[Change]
) -> list[Any]:
    """`fulfillment` (at its location) or `fulfillmentStatus: FULFILLED` ship everything now
    (recorded: order-create-parity answers FULFILLED)."""
    given = data.get("fulfillment")
    if given is None and data.get("fulfillmentStatus") != "FULFILLED":
        return []
    inventory: list[Change] = []
    tracking = tracking_in(
        {"number": given.get("trackingNumber"), "company": given.get("trackingCompany")} if given else None
    )
    fulfilled = fulfill_everything(state, inventory, order, tracking)
    changes.extend(inventory)
    status = (given or {}).get("shipmentStatus")
    if status:
        now = state.now()
        for fulfillment in fulfilled:
            fulfillment.events.append(FulfillmentEvent(state.next_id(), status, now, now))
    return fulfilled
