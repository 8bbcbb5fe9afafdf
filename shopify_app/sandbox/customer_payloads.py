"""The REST customer that the `customers/*` webhooks carry."""

from __future__ import annotations

from typing import Any

from shopify_app.sandbox.customer_models import Consent, Customer, MailingAddress
from shopify_app.sandbox.models import gid
from shopify_app.sandbox.payloads import rest_time
from shopify_app.sandbox.store import ShopState


def address_json(customer: Customer, address: MailingAddress) -> dict[str, Any]:
    return {
        "id": address.id,
        "customer_id": customer.id,
        "first_name": address.first_name,
        "last_name": address.last_name,
        "company": address.company,
        "address1": address.address1,
        "address2": address.address2,
        "city": address.city,
        "province": address.province,
        "country": address.country,
        "zip": address.zip,
        "phone": address.phone,
        "name": address.name,
        "province_code": address.province_code,
        "country_code": address.country_code,
        "country_name": address.country,
        "default": address is customer.default_address,
    }


def _consent_json(consent: Consent | None, *, sms: bool = False) -> dict[str, Any] | None:
    if consent is None:
        return None
    out: dict[str, Any] = {
        "state": consent.state.lower(),
        "opt_in_level": (consent.opt_in_level or "").lower() or None,
        "consent_updated_at": rest_time(consent.updated_at),
    }
    if sms:
        out["consent_collected_from"] = consent.collected_from
    return out


def customer_json(state: ShopState, customer: Customer) -> dict[str, Any]:
    """The REST customer the `customers/*` webhooks carry."""
    default = customer.default_address
    return {
        "id": customer.id,
        "email": customer.email,
        "created_at": rest_time(customer.created_at),
        "updated_at": rest_time(customer.updated_at),
        "first_name": customer.first_name,
        "last_name": customer.last_name,
        "orders_count": customer.number_of_orders,
        "state": customer.state.lower(),
        "total_spent": f"{customer.amount_spent:.2f}",
        "last_order_id": customer.order_ids[-1] if customer.order_ids else None,
        "note": customer.note,
        "verified_email": True,
        "multipass_identifier": customer.multipass_identifier,
        "tax_exempt": customer.tax_exempt,
        "tags": ", ".join(customer.tags),
        "currency": state.currency,
        "phone": customer.phone,
        "addresses": [address_json(customer, a) for a in customer.addresses],
        "tax_exemptions": list(customer.tax_exemptions),
        "email_marketing_consent": _consent_json(customer.email_consent),
        "sms_marketing_consent": _consent_json(customer.sms_consent, sms=True),
        "admin_graphql_api_id": gid("Customer", customer.id),
        "default_address": address_json(customer, default) if default else None,
    }
