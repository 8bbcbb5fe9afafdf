"""Seam to the customer domain (`customers.py`): who an order is for — its customer and B2B location.

Everything the orders side needs from customers and companies goes through these functions, so the
two domains meet in one place.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from shopify_app.sandbox import customers
from shopify_app.sandbox.models import parse_gid
from shopify_app.sandbox.order_models import Order
from shopify_app.sandbox.store import Change, ShopState

CUSTOMER_PATH = ["order", "customer"]


def customer_for_order(
    state: ShopState, data: dict[str, Any], changes: list[Change]
) -> tuple[int | None, list[dict[str, Any]]]:
    """The customer `orderCreate` attaches (its id), or userErrors under `order.customer`.

    Without a `customer` input the order's email names the customer (recorded: 2026-04
    orderUpdate-input-validation creates an order with only an email and reads back a customer with
    that email)."""
    given = data.get("customer") or {}
    associate, upsert = given.get("toAssociate"), given.get("toUpsert")
    implied = not associate and not upsert and bool(data.get("email"))
    if implied:
        upsert = {"email": data["email"]}
    customer, errors = customers.customer_for_order(
        state, associate=associate, upsert=upsert, changes=changes
    )
    if errors:
        # An implied customer's problem is the order email's (`order.email`: "Email is invalid").
        def where(field: list[str] | None) -> list[str]:
            return ["order", *(field or [])[1:]] if implied else [*CUSTOMER_PATH, *(field or [])]

        return None, [{**e, "field": where(e.get("field"))} for e in errors]
    return (customer.id if customer is not None else None), []


def company_location_for_order(state: ShopState, value: Any) -> tuple[int | None, list[dict[str, Any]]]:
    """`companyLocationId`: the location must exist. Not recorded; the wording follows the
    `… does not exist` messages recorded for unknown ids elsewhere in orders."""
    if value is None:
        return None, []
    location = customers.find_company_location(state, parse_gid(value, "CompanyLocation"))
    if location is None:
        return None, [
            {
                "field": ["order", "companyLocationId"],
                "message": "Company location does not exist",
                "code": "INVALID",
            }
        ]
    return location.id, []


def record_order(state: ShopState, order: Order, amount: Decimal) -> None:
    """Count a new order towards its customer's and company location's aggregates."""
    customer = customers.find_customer(state, order.customer_id)
    if customer is not None:
        customers.customer_record_order(state, customer, order.id, amount)
    location = customers.find_company_location(state, order.company_location_id)
    if location is not None:
        customers.company_location_record_order(state, location, order.id, amount)


def forget_order(state: ShopState, order: Order, amount: Decimal) -> None:
    customer = customers.find_customer(state, order.customer_id)
    if customer is not None:
        customers.customer_forget_order(state, customer, order.id, amount)


def customer_of(state: ShopState, order: Order) -> Any:
    return customers.find_customer(state, order.customer_id)


def purchasing_entity(state: ShopState, order: Order) -> Any:
    """`PurchasingCompany` for a B2B order (its location, the location's company and the customer's
    contact in that company — recorded shape: b2b-company-location-order-aggregates), else the
    customer."""
    location = customers.find_company_location(state, order.company_location_id)
    if location is None:
        return customer_of(state, order)
    contact = next(
        (
            c
            for c in state.company_contacts.values()
            if c.company is location.company and c.customer.id == order.customer_id
        ),
        None,
    )
    return {
        "__typename": "PurchasingCompany",
        "company": location.company,
        "contact": contact,
        "location": location,
    }


def customer_json(state: ShopState, order: Order) -> dict[str, Any] | None:
    """The `customer` of an order's REST webhook payload."""
    customer = customer_of(state, order)
    if customer is None:
        return None
    return {
        "id": customer.id,
        "email": customer.email,
        "admin_graphql_api_id": f"gid://shopify/Customer/{customer.id}",
    }
