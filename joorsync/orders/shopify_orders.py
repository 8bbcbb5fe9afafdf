"""The Shopify side of an order: the `orderCreate` input built from a JOOR order, and the calls that
create, find, read, move and cancel orders and find or create the retailer as customer or company.

Why `orderCreate` and not a draft order completed: a draft's variant lines take the catalog price
(recorded: draft-order-variant-custom-only-fields), while `orderCreate` takes each line's price as
given (recorded: order-create-parity, `priceSet` per line), and wholesale prices are not retail
prices. `orderCreate` has no idempotency key, so every order carries the tag `joor-order-<id>` and the
source identifier `joor:<id>`, by which an interrupted create is found before any second try.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from joorsync.orders.joor_documents import Address, WholesaleOrder
from joorsync.orders.lines import Resolution
from joorsync.orders.models import OrderSettings
from shopify_app.admin.client import AdminClient, search_value
from shopify_app.admin.errors import ShopifyUserErrors
from shopify_app.admin.types import UserError, user_errors_from

TAG_PREFIX = "joor-order-"
SOURCE_PREFIX = "joor:"
METAFIELD_NAMESPACE = "joorsync"
MAX_TAG_LENGTH = 40


def order_tag(joor_order_id: str) -> str:
    return f"{TAG_PREFIX}{joor_order_id}"


@dataclass(frozen=True)
class ShopifyOrderState:
    """What the app reads of a Shopify order."""

    id: str
    name: str
    tags: tuple[str, ...]
    source_identifier: str
    financial_status: str
    fulfillment_status: str
    cancelled_at: str | None
    customer_id: str
    fulfillment_orders: tuple[tuple[str, str, str], ...]  # (id, status, location id)

    @classmethod
    def from_payload(cls, raw: Mapping[str, Any]) -> ShopifyOrderState:
        fos = ((raw.get("fulfillmentOrders") or {}).get("nodes")) or []
        return cls(
            id=str(raw["id"]),
            name=str(raw.get("name") or ""),
            tags=tuple(str(t) for t in raw.get("tags") or ()),
            source_identifier=str(raw.get("sourceIdentifier") or ""),
            financial_status=str(raw.get("displayFinancialStatus") or ""),
            fulfillment_status=str(raw.get("displayFulfillmentStatus") or ""),
            cancelled_at=raw.get("cancelledAt"),
            customer_id=str(((raw.get("customer") or {}).get("id")) or ""),
            fulfillment_orders=tuple(
                (
                    str(fo.get("id")),
                    str(fo.get("status") or ""),
                    str((((fo.get("assignedLocation") or {}).get("location")) or {}).get("id") or ""),
                )
                for fo in fos
                if isinstance(fo, dict)
            ),
        )

    @property
    def fulfilled_any(self) -> bool:
        return self.fulfillment_status in {"FULFILLED", "PARTIALLY_FULFILLED", "IN_PROGRESS"} or any(
            status in {"CLOSED", "IN_PROGRESS", "INCOMPLETE"} for _, status, _ in self.fulfillment_orders
        )


class ShopifyOrderRefused(ShopifyUserErrors):
    """orderCreate (or another order mutation) answered with userErrors: nothing was created."""


# ---------------------------------------------------------------------------------------------
# input
# ---------------------------------------------------------------------------------------------


def _money(amount: Decimal, currency: str) -> dict[str, Any]:
    return {"shopMoney": {"amount": f"{amount:.2f}", "currencyCode": currency}}


def split_name(name: str) -> tuple[str, str]:
    parts = name.split()
    if not parts:
        return "", ""
    if len(parts) == 1:
        return parts[0], ""
    return " ".join(parts[:-1]), parts[-1]


def mailing_address(address: Address, *, fallback_name: str, fallback_company: str) -> dict[str, Any]:
    first, last = split_name(address.contact_name or fallback_name)
    values = {
        "firstName": first,
        "lastName": last,
        "company": address.company_name or fallback_company,
        "address1": address.address_1,
        "address2": address.address_2,
        "city": address.city,
        "provinceCode": address.state if 0 < len(address.state) <= 3 else "",
        "zip": address.zip,
        "countryCode": address.country_code or None,
        "phone": address.phone if address.phone.startswith("+") else "",
    }
    return {k: v for k, v in values.items() if v}


def _attributes(order: WholesaleOrder) -> list[dict[str, str]]:
    pairs = [
        ("JOOR order", order.order_id),
        ("PO number", order.po_number),
        ("Ship window start", order.start_ship_date),
        ("Ship window complete", order.complete_ship_date),
        ("Cancel date", order.cancel_date),
        ("Payment terms", order.payment_terms),
        ("Payment method", order.payment_method),
        ("Sales rep", order.sales_rep),
        ("JOOR warehouse", order.warehouse_name or order.warehouse_code),
        ("Season", order.season),
        ("Delivery", order.delivery),
        ("Retailer code", order.retailer_code),
    ]
    return [{"key": k, "value": v[:255]} for k, v in pairs if v]


def order_tags(order: WholesaleOrder, settings: OrderSettings) -> list[str]:
    tags = [t.strip()[:MAX_TAG_LENGTH] for t in settings.tags.split(",") if t.strip()]
    tags.append(order_tag(order.order_id))
    if order.season:
        tags.append(f"season-{order.season}"[:MAX_TAG_LENGTH])
    return list(dict.fromkeys(tags))


def tax_applies(order: WholesaleOrder, settings: OrderSettings) -> bool:
    country = ((order.shipping or order.billing) or Address()).country_code.upper()
    mode = (settings.tax_by_country or {}).get(country, settings.tax_mode)
    return mode == OrderSettings.Tax.AS_JOOR


def order_create_variables(
    *,
    order: WholesaleOrder,
    resolution: Resolution,
    settings: OrderSettings,
    customer: dict[str, Any] | None,
    company_location_id: str,
    fulfil_at: str,
) -> dict[str, Any]:
    """The `orderCreate` variables for one JOOR order (prices, discount, shipping and tax as JOOR
    has them; nothing is computed that JOOR did not state)."""
    currency = order.currency
    shipping = order.shipping or order.billing
    billing = order.billing or order.shipping
    assert shipping is not None and billing is not None  # checked before (lines.order_checks)
    name = order.contact_name or order.buyer_name or order.retailer_name
    taxed = tax_applies(order, settings)
    lines = [
        {
            "variantId": line.variant.variant_id,
            "quantity": line.quantity,
            "priceSet": _money(line.unit_price, currency),
            "taxable": taxed,
            "requiresShipping": True,
        }
        for line in resolution.lines
    ]
    data: dict[str, Any] = {
        "lineItems": lines,
        "currency": currency,
        "poNumber": order.po_number[:255] or None,
        "tags": order_tags(order, settings),
        "sourceIdentifier": f"{SOURCE_PREFIX}{order.order_id}",
        "customAttributes": _attributes(order),
        "shippingAddress": mailing_address(
            shipping, fallback_name=name, fallback_company=order.retailer_name
        ),
        "billingAddress": mailing_address(billing, fallback_name=name, fallback_company=order.retailer_name),
        "financialStatus": settings.financial_status,
        "taxesIncluded": False,
        "metafields": [
            {
                "namespace": METAFIELD_NAMESPACE,
                "key": "joor_order_id",
                "type": "single_line_text_field",
                "value": order.order_id,
            }
        ],
    }
    if order.email:
        data["email"] = order.email
    if order.created_at:
        data["processedAt"] = order.created_at if "T" in order.created_at else f"{order.created_at}T00:00:00Z"
    note = "\n".join(p for p in (order.comments, *resolution.notes) if p)
    if note:
        data["note"] = note[:5000]
    if company_location_id:
        data["companyLocationId"] = company_location_id
    if customer:
        data["customer"] = customer
    if order.discount > 0:
        data["discountCode"] = {
            "itemFixedDiscountCode": {"code": "JOOR", "amountSet": _money(order.discount, currency)}
        }
    if order.shipping_cost > 0:
        data["shippingLines"] = [
            {
                "title": (order.shipping_method or "Shipping")[:255],
                "code": order.shipping_method_code[:255] or None,
                "priceSet": _money(order.shipping_cost, currency),
            }
        ]
    if taxed and order.tax_amount > 0:
        rate = (order.tax_rate / 100) if order.tax_rate is not None else Decimal("0")
        data["taxLines"] = [
            {
                "title": (order.tax_label or "Tax")[:255],
                "rate": f"{rate:.6f}",
                "priceSet": _money(order.tax_amount, currency),
            }
        ]
    if settings.mark_fulfilled and fulfil_at:
        data["fulfillment"] = {"locationId": fulfil_at, "notifyCustomer": False}
    return {
        "order": {k: v for k, v in data.items() if v is not None},
        "options": {
            "inventoryBehaviour": settings.inventory_behaviour,
            "sendReceipt": False,
            "sendFulfillmentReceipt": False,
        },
    }


# ---------------------------------------------------------------------------------------------
# calls
# ---------------------------------------------------------------------------------------------


def _refused(operation: str, errors: list[UserError]) -> ShopifyOrderRefused:
    text = "; ".join(e.message for e in errors)[:500]
    return ShopifyOrderRefused(f"Shopify refused {operation}: {text}", user_errors=errors)


def order_create(client: AdminClient, variables: Mapping[str, Any]) -> ShopifyOrderState:
    """Create the order; `ShopifyOrderRefused` with Shopify's userErrors when it says no. Not retried
    when the answer is lost (`ShopifyTransientError.maybe_applied`): the caller looks for it first."""
    result = client.execute("OrderCreate", variables, idempotent=False)
    payload = result.data.get("orderCreate") or {}
    errors = user_errors_from(payload)
    if errors or not payload.get("order"):
        raise _refused("the order", errors or [UserError(field=None, message="no order in the answer")])
    return ShopifyOrderState.from_payload(payload["order"])


def orders_tagged(client: AdminClient, tag: str) -> list[ShopifyOrderState]:
    result = client.execute("Orders", {"query": f"tag:{search_value(tag)}", "first": 5})
    nodes = ((result.data.get("orders") or {}).get("nodes")) or []
    # Search matches tags loosely; only an exact tag is the order.
    return [ShopifyOrderState.from_payload(n) for n in nodes if tag in (n.get("tags") or ())]


def order_get(client: AdminClient, order_id: str) -> ShopifyOrderState | None:
    result = client.execute("Order", {"id": order_id})
    raw = result.data.get("order")
    return ShopifyOrderState.from_payload(raw) if raw else None


def order_cancel(client: AdminClient, order_id: str, *, note: str) -> None:
    result = client.execute(
        "OrderCancel",
        {"orderId": order_id, "restock": True, "reason": "OTHER", "staffNote": note[:255]},
        idempotent=True,
    )
    errors = user_errors_from(result.data.get("orderCancel"), key="orderCancelUserErrors")
    if errors:
        raise _refused("the cancellation", errors)


def order_update(client: AdminClient, order_id: str, fields: Mapping[str, Any]) -> None:
    """`orderUpdate`: the facts an order keeps after it was placed (PO number, note, tags, custom
    attributes, shipping address)."""
    result = client.execute("OrderUpdate", {"input": {"id": order_id, **fields}}, idempotent=True)
    errors = user_errors_from(result.data.get("orderUpdate"))
    if errors:
        raise _refused("the order update", errors)


def order_update_fields(
    order: WholesaleOrder, resolution: Resolution, settings: OrderSettings
) -> dict[str, Any]:
    """What `orderUpdate` can carry of a JOOR order: everything `orderCreate` set but lines and money."""
    created = order_create_variables(
        order=order,
        resolution=resolution,
        settings=settings,
        customer=None,
        company_location_id="",
        fulfil_at="",
    )["order"]
    return {
        "poNumber": created.get("poNumber") or "",
        "note": created.get("note") or "",
        "tags": created["tags"],
        "customAttributes": created["customAttributes"],
        "shippingAddress": created["shippingAddress"],
    }


def fulfillment_order_move(client: AdminClient, fulfillment_order_id: str, location_id: str) -> None:
    result = client.execute(
        "FulfillmentOrderMove", {"id": fulfillment_order_id, "newLocationId": location_id}, idempotent=True
    )
    errors = user_errors_from(result.data.get("fulfillmentOrderMove"))
    if errors:
        raise _refused("moving the order to its location", errors)


def customer_by_email(client: AdminClient, email: str) -> dict[str, Any] | None:
    result = client.execute("CustomerByEmail", {"email": email})
    raw = result.data.get("customerByIdentifier")
    return raw if isinstance(raw, dict) else None


@dataclass(frozen=True)
class CompanyRefs:
    company_id: str
    location_id: str
    contact_customer_id: str


def _company_refs(company: Mapping[str, Any]) -> CompanyRefs:
    locations = ((company.get("locations") or {}).get("nodes")) or []
    contact_customer = (((company.get("mainContact") or {}).get("customer")) or {}).get("id") or ""
    return CompanyRefs(
        company_id=str(company["id"]),
        location_id=str(locations[0]["id"]) if locations else "",
        contact_customer_id=str(contact_customer),
    )


def company_by_external_id(client: AdminClient, external_id: str) -> CompanyRefs | None:
    """The company made for a retailer earlier (its external id is the JOOR customer code): found
    before a company is created, so an interrupted create never makes a second one."""
    result = client.execute("CompanyByExternalId", {"query": f"external_id:{search_value(external_id)}"})
    nodes = ((result.data.get("companies") or {}).get("nodes")) or []
    exact = [n for n in nodes if n.get("externalId") == external_id]
    return _company_refs(exact[0]) if exact else None


def company_create(
    client: AdminClient, order: WholesaleOrder, *, existing_customer_id: str = ""
) -> CompanyRefs:
    """A B2B company for the retailer: the company (external id = JOOR customer code), its main
    contact (the order's contact e-mail) and one location with the order's addresses. When a Shopify
    customer already has that e-mail, that customer becomes the contact instead of a new one."""
    shipping = order.shipping or order.billing or Address()
    billing = order.billing or shipping
    first, last = split_name(order.contact_name or order.buyer_name)

    def company_address(address: Address) -> dict[str, Any]:
        values = {
            "address1": address.address_1,
            "address2": address.address_2,
            "city": address.city,
            "zip": address.zip,
            "zoneCode": address.state if 0 < len(address.state) <= 3 else "",
            "countryCode": address.country_code or None,
            "recipient": address.contact_name or order.contact_name,
        }
        return {k: v for k, v in values.items() if v}

    contact = {k: v for k, v in {"email": order.email, "firstName": first, "lastName": last}.items() if v}
    location: dict[str, Any] = {
        "name": (shipping.company_name or order.retailer_name or order.retailer_code)[:255],
        "externalId": order.retailer_code[:64] or None,
        "shippingAddress": company_address(shipping),
        "billingAddress": company_address(billing),
    }
    data: dict[str, Any] = {
        "company": {
            "name": (order.retailer_name or order.retailer_code)[:255],
            "externalId": order.retailer_code[:64],
        },
        "companyLocation": {k: v for k, v in location.items() if v is not None},
    }
    if contact and not existing_customer_id:
        data["companyContact"] = contact
    result = client.execute("CompanyCreate", {"input": data}, idempotent=False)
    payload = result.data.get("companyCreate") or {}
    errors = user_errors_from(payload)
    company = payload.get("company")
    if errors or not company:
        raise _refused("the company", errors or [UserError(field=None, message="no company in the answer")])
    refs = _company_refs(company)
    if existing_customer_id:
        assigned = client.execute(
            "CompanyAssignCustomerAsContact",
            {"companyId": refs.company_id, "customerId": existing_customer_id},
            idempotent=True,
        )
        problems = user_errors_from(assigned.data.get("companyAssignCustomerAsContact"))
        if problems:
            raise _refused("the company contact", problems)
        refs = CompanyRefs(refs.company_id, refs.location_id, existing_customer_id)
    return refs
