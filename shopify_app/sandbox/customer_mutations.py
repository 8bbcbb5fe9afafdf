"""Customer mutations: customerCreate, customerUpdate, customerSet, customerDelete."""

from __future__ import annotations

from typing import Any

from graphql import GraphQLResolveInfo

from shopify_app.sandbox.customer_models import Customer
from shopify_app.sandbox.customers import (
    create_customer,
    customer_by_custom_id,
    customer_by_email,
    customer_by_gid,
    customer_by_phone,
    delete_customer,
    update_customer,
    user_error,
)
from shopify_app.sandbox.models import gid
from shopify_app.sandbox.normalize import normalize_phone, same_email
from shopify_app.sandbox.resolvers import ctx, resolves

SET_PATH = ("input",)
# Recorded (2026-04 customer-set-parity, `validation`).
NOT_FOUND = "Resource matching the identifier was not found."
ID_NOT_ALLOWED = "The id field is not allowed if identifier is provided."
IDENTIFIER_FIELD_MISSING = "The input field corresponding to the identifier is required."
IDENTIFIER_MISMATCH = "The identifier value does not match the value of the corresponding field in the input."


def _refusal(message: str, code: str) -> dict[str, Any]:
    return {"customer": None, "userErrors": [user_error(SET_PATH, None, message, code)]}


@resolves("Mutation", "customerCreate")
def customer_create(_: Any, info: GraphQLResolveInfo, input: dict[str, Any]) -> dict[str, Any]:  # noqa: A002
    context = ctx(info)
    customer, errors = create_customer(context.state, input, context.changes)
    return {"customer": customer, "userErrors": errors}


@resolves("Mutation", "customerUpdate")
def customer_update(_: Any, info: GraphQLResolveInfo, input: dict[str, Any]) -> dict[str, Any]:  # noqa: A002
    """Recorded (2025-01 customer-update-parity): an unknown id is `[id] Customer does not exist`."""
    context = ctx(info)
    customer = customer_by_gid(context.state, input.get("id"))
    if customer is None:
        return {"customer": None, "userErrors": [user_error((), "id", "Customer does not exist")]}
    data = {key: value for key, value in input.items() if key != "id"}
    updated, errors = update_customer(context.state, customer, data, context.changes)
    return {"customer": updated, "userErrors": errors}


def _identified(
    info: GraphQLResolveInfo, identifier: dict[str, Any], data: dict[str, Any]
) -> tuple[Customer | None, dict[str, Any] | None]:
    """The customer an identifier names (None: create one), or the refusal to answer with."""
    state = ctx(info).state
    if identifier.get("customId") is not None:
        return customer_by_custom_id(state, identifier["customId"]), None
    if identifier.get("id") is not None:
        found = customer_by_gid(state, identifier["id"])
        return found, None if found else _refusal(NOT_FOUND, "NOT_FOUND")
    key = "email" if identifier.get("email") is not None else "phone"
    wanted = identifier.get(key)
    given = data.get(key)
    if not given:
        return None, _refusal(IDENTIFIER_FIELD_MISSING, "MISSING_FIELD_REQUIRED")
    if key == "email":
        same, found = same_email(wanted, given), customer_by_email(state, wanted)
    else:
        same = (normalize_phone(str(wanted)) or wanted) == (normalize_phone(str(given)) or given)
        found = customer_by_phone(state, wanted)
    if not same:
        return None, _refusal(IDENTIFIER_MISMATCH, "INPUT_MISMATCH")
    return found, None


@resolves("Mutation", "customerSet")
def customer_set(
    _: Any,
    info: GraphQLResolveInfo,
    input: dict[str, Any],  # noqa: A002
    identifier: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Create, update by id, or upsert by email/phone/custom id (the schema's description; recorded:
    2026-04 customer-set-parity, customer-set-email-upsert-when-id-absent, customer-set-custom-id).
    Errors are under `input`."""
    context = ctx(info)
    data = {key: value for key, value in input.items() if key != "id"}
    if identifier and input.get("id") is not None:
        return _refusal(ID_NOT_ALLOWED, "ID_NOT_ALLOWED")
    target: Customer | None = None
    if identifier:
        target, refusal = _identified(info, identifier, data)
        if refusal is not None:
            return refusal
    elif input.get("id") is not None:
        target = customer_by_gid(context.state, input["id"])
        if target is None:
            return _refusal(NOT_FOUND, "NOT_FOUND")
    if target is not None:
        customer, errors = update_customer(context.state, target, data, context.changes, SET_PATH)
        return {"customer": customer, "userErrors": errors}
    custom_id = (identifier or {}).get("customId")
    if custom_id is not None:
        # A customer created from a custom id carries it (recorded: customer-set-custom-id `createNoMatch`).
        namespace = custom_id.get("namespace") or context.state.app_namespace
        data["metafields"] = [
            {"namespace": namespace, "key": custom_id["key"], "type": "id", "value": custom_id["value"]}
        ]
    customer, errors = create_customer(context.state, data, context.changes, SET_PATH)
    return {"customer": customer, "userErrors": errors}


@resolves("Mutation", "customerDelete")
def customer_delete(_: Any, info: GraphQLResolveInfo, input: dict[str, Any]) -> dict[str, Any]:  # noqa: A002
    """Only customers without orders can be deleted (the mutation's description)."""
    context = ctx(info)
    customer = customer_by_gid(context.state, input["id"])
    if customer is None:
        return {"deletedCustomerId": None, "userErrors": [user_error((), "id", "Customer can't be found")]}
    if customer.order_ids:
        message = "Customer can’t be deleted because they have existing orders"
        return {"deletedCustomerId": None, "userErrors": [user_error((), "id", message)]}
    delete_customer(context.state, customer, context.changes)
    return {"deletedCustomerId": gid("Customer", customer.id), "userErrors": []}
