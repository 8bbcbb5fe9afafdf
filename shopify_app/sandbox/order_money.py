"""An order's money and states, derived from its lines, payments and fulfilments (never stored).

Recorded (2025-01 order-create-math-matrix, order-create-parity, orderCreate-state-derived-payment-
and-count, 2026-04 orderMarkAsPaid-state-and-money, orderCancel-*): the subtotal is the lines less the
code discount, the total adds shipping and taxes (unless taxes are included), `received` counts captured
money, `outstanding` is what neither was received nor is authorised, and a cancelled order whose lines
were taken off has current totals of zero.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from shopify_app.sandbox.normalize import money as decimal_text
from shopify_app.sandbox.order_models import ZERO, LineItem, Money, Order, TaxLine, total

PAID_KINDS = ("SALE", "CAPTURE")


def bag(order: Order, amount: Money) -> dict[str, Any]:
    """A `MoneyBag` (recorded amounts print as `20.0`, `17.01`)."""
    return {
        "shopMoney": {"amount": decimal_text(amount.shop), "currencyCode": order.currency},
        "presentmentMoney": {
            "amount": decimal_text(amount.presentment),
            "currencyCode": order.presentment_currency,
        },
    }


def legacy_money(amount: Decimal) -> str:
    """The deprecated `Money` scalar: two decimals (recorded: `totalCapturable` "31.90")."""
    return f"{amount:.2f}"


# ----- lines ---------------------------------------------------------------------------------------
def line_original_total(line: LineItem, quantity: int | None = None) -> Money:
    return line.price.times(line.quantity if quantity is None else quantity)


def line_discount(line: LineItem, quantity: int | None = None) -> Money:
    units = line.quantity if quantity is None else quantity
    return line.discount if units == line.quantity else line.discount.share(units, line.quantity)


def line_tax(line: LineItem, *, current: bool = False) -> Money:
    amount = total([tax.price for tax in line.tax_lines])
    return amount.share(line.current_quantity, line.quantity) if current else amount


def _all_removed(order: Order) -> bool:
    return all(line.current_quantity == 0 for line in order.line_items)


# ----- totals --------------------------------------------------------------------------------------
def subtotal(order: Order, *, current: bool = False) -> Money:
    amounts = []
    for line in order.line_items:
        units = line.current_quantity if current else line.quantity
        amounts.append(line_original_total(line, units) - line_discount(line, units))
    return total(amounts)


def shipping(order: Order, *, current: bool = False) -> Money:
    if current and _all_removed(order):
        return ZERO
    return total([line.price for line in order.shipping_lines])


def shipping_discount(order: Order, *, current: bool = False) -> Money:
    if current and _all_removed(order):
        return ZERO
    return total([line.discount for line in order.shipping_lines])


def discounts(order: Order, *, current: bool = False) -> Money:
    lines = total(
        [
            line_discount(line, line.current_quantity if current else line.quantity)
            for line in order.line_items
        ]
    )
    return lines + shipping_discount(order, current=current)


def tax(order: Order, *, current: bool = False) -> Money:
    lines = total([line_tax(line, current=current) for line in order.line_items])
    if current and _all_removed(order):
        return lines
    return lines + total([t.price for line in order.shipping_lines for t in line.tax_lines])


def grand_total(order: Order, *, current: bool = False) -> Money:
    amount = subtotal(order, current=current) + shipping(order, current=current)
    amount = amount - shipping_discount(order, current=current)
    return amount if order.taxes_included else amount + tax(order, current=current)


def tax_lines(order: Order, *, current: bool = False) -> list[TaxLine]:
    """The order's tax lines: its lines' and shipping's, merged by title and rate."""
    merged: dict[tuple[str, Decimal], TaxLine] = {}
    sources = [(t, line_tax_share(line, t, current)) for line in order.line_items for t in line.tax_lines]
    if not (current and _all_removed(order)):
        sources += [(t, t.price) for line in order.shipping_lines for t in line.tax_lines]
    for tax_line, amount in sources:
        key = (tax_line.title, tax_line.rate)
        if key in merged:
            merged[key].price = merged[key].price + amount
        else:
            merged[key] = TaxLine(tax_line.title, tax_line.rate, amount, tax_line.channel_liable)
    return list(merged.values())


def line_tax_share(line: LineItem, tax_line: TaxLine, current: bool) -> Money:
    return tax_line.price.share(line.current_quantity, line.quantity) if current else tax_line.price


# ----- payments ------------------------------------------------------------------------------------
def _sum(order: Order, *kinds: str) -> Money:
    return total([t.amount for t in order.transactions if t.kind in kinds and t.succeeded])


def received(order: Order) -> Money:
    return _sum(order, *PAID_KINDS)


def refunded(order: Order) -> Money:
    return _sum(order, "REFUND")


def net_payment(order: Order) -> Money:
    return received(order) - refunded(order)


def capturable(order: Order) -> Money:
    """Authorised and neither captured nor voided."""
    return (_sum(order, "AUTHORIZATION") - _sum(order, "CAPTURE", "VOID")).at_least_zero()


def outstanding(order: Order) -> Money:
    """Recorded: 0 once paid, and 0 when the whole amount is authorised (authorization case)."""
    return (grand_total(order, current=True) - net_payment(order) - capturable(order)).at_least_zero()


def gateways(order: Order) -> list[str]:
    names: list[str] = []
    for transaction in order.transactions:
        if transaction.gateway and transaction.gateway not in names and transaction.kind != "REFUND":
            names.append(transaction.gateway)
    return names


def display_financial_status(order: Order) -> str | None:
    """Derived from the transactions; null without any (recorded: pendingNoTax, orderCancel-parity).
    An explicit `financialStatus` given at creation stands until the payments change."""
    if order.financial_status is not None:
        return order.financial_status
    if not order.transactions:
        return None
    got, back = received(order).shop, refunded(order).shop
    if back > 0:
        return "REFUNDED" if back >= got else "PARTIALLY_REFUNDED"
    if got > 0:
        return "PAID" if got >= grand_total(order, current=True).shop else "PARTIALLY_PAID"
    if capturable(order).positive:
        return "AUTHORIZED"
    if _sum(order, "VOID").positive:
        return "VOIDED"
    if any(t.status == "PENDING" for t in order.transactions):
        return "PENDING"
    return None


# ----- fulfilment ----------------------------------------------------------------------------------
def unfulfilled_quantity(order: Order, line: LineItem) -> int:
    return max(0, line.current_quantity - order.fulfilled_quantity(line.id))


def display_fulfillment_status(order: Order) -> str:
    """From the fulfilled quantities (recorded: fulfillment-tracking-info-update-parity reads
    PARTIALLY_FULFILLED after one of two units shipped); PARTIAL/RESTOCKED given at creation stand."""
    if order.fulfillment_status == "RESTOCKED":
        return "RESTOCKED"
    wanted = sum(line.current_quantity for line in order.line_items)
    done = sum(min(order.fulfilled_quantity(line.id), line.current_quantity) for line in order.line_items)
    if wanted and done >= wanted:
        return "FULFILLED"
    if done or order.fulfillment_status == "PARTIAL":
        return "PARTIALLY_FULFILLED"
    return "UNFULFILLED"


def fully_paid(order: Order) -> bool:
    return display_financial_status(order) in ("PAID", "PARTIALLY_REFUNDED", "REFUNDED")


def settle_closed(order: Order, now: str) -> None:
    """Close or reopen after a change. Recorded: a paid order closes once fulfilled and reopens when
    its fulfilment is cancelled (fulfillment-create-preconditions, fulfillment-cancel-parity); a
    cancelled order closes unless money it received is still to be refunded (orderCancel-parity closes
    an unpaid order; fulfillment-create-preconditions keeps a paid one open)."""
    if order.cancelled_at is not None:
        done = not net_payment(order).positive
    else:
        done = display_fulfillment_status(order) == "FULFILLED" and fully_paid(order)
    if done and order.closed_at is None:
        order.closed_at = now
    elif not done:
        order.closed_at = None
