"""`inventorySetQuantities` and `inventoryAdjustQuantities`: absolute and relative stock changes.

Both check every entry before changing anything (one bad entry, nothing applied), compare each
entry's `changeFromQuantity` with the stored quantity when it is given (`null` skips the check;
2026-04+ requires the field itself, see `graphql_api.CHANGE_FROM_REQUIRED`), and refuse an item that
is not stocked at the location. Messages the recordings do not show come from the descriptions of the
real schema's error-code enums, which is where the recorded ones come from too.

The changes of an adjustment group are listed by quantity name, the named quantity first, then the
mirrored `on_hand` (recorded: a two-item set lists both `available` changes, then both `on_hand`
ones). An adjustment whose deltas are all zero changes nothing and answers a null group (recorded:
2026-04 inventory-adjust-zero-delta-noop).
"""

from __future__ import annotations

import json
from typing import Any

from graphql import GraphQLError, GraphQLResolveInfo
from graphql.utilities import value_from_ast_untyped

from shopify_app.sandbox.inventory_levels import ON_HAND_STATES, quantity_of
from shopify_app.sandbox.models import InventoryItemRef, InventoryLevel, Product, Variant, gid, parse_gid
from shopify_app.sandbox.payloads import inventory_level_json, product_json
from shopify_app.sandbox.resolvers import Context, ctx, resolves
from shopify_app.sandbox.store import Change

MAX_QUANTITY = 1_000_000_000
MAX_ADJUSTMENT = 2_000_000_000
INVENTORY_REASONS = (
    "correction",
    "cycle_count_available",
    "damaged",
    "movement_canceled",
    "movement_created",
    "movement_received",
    "movement_updated",
    "other",
    "promotion",
    "quality_control",
    "received",
    "reservation_created",
    "reservation_deleted",
    "reservation_updated",
    "restock",
    "safety_stock",
    "shrinkage",
)
SET_NAMES = ("available", "on_hand")
ADJUST_NAMES = ("available", "incoming", *ON_HAND_STATES)

SET_MESSAGES = {
    "ITEM_NOT_STOCKED_AT_LOCATION": "The specified inventory item is not stocked at the location.",
    "CHANGE_FROM_QUANTITY_STALE": "The changeFromQuantity value does not match persisted value.",
}
ADJUST_MESSAGES = {
    "ITEM_NOT_STOCKED_AT_LOCATION": "The inventory item is not stocked at the location.",
    "CHANGE_FROM_QUANTITY_STALE": "The changeFromQuantity argument no longer matches the persisted quantity.",
}
MISMATCH = "The same idempotency key cannot be used with different operation parameters."


# ----- idempotency --------------------------------------------------------------------------------
def idempotency_key(info: GraphQLResolveInfo) -> str | None:
    """The `@idempotent(key:)` of the field being resolved; a blank key is refused as Shopify says."""
    for directive in info.field_nodes[0].directives or ():
        if directive.name.value != "idempotent":
            continue
        for argument in directive.arguments or ():
            if argument.name.value == "key":
                # graphql-core 3.3 wraps the variables (`.coerced`); in 3.2 they are the dict itself.
                variables: Any = info.variable_values
                coerced = getattr(variables, "coerced", variables)
                key = value_from_ast_untyped(argument.value, coerced)
                if key is None or not str(key).strip():
                    raise GraphQLError("The idempotency key cannot be an empty string or whitespace only.")
                return str(key)
    return None


def idempotent(
    info: GraphQLResolveInfo,
    arguments: dict[str, Any],
    run: Any,
    *,
    failed: dict[str, Any],
    error_field: list[str],
) -> dict[str, Any]:
    """Run a keyed mutation once: the same key with the same arguments answers the first result again
    without applying anything; with other arguments (or another mutation) it is refused with
    IDEMPOTENCY_KEY_PARAMETER_MISMATCH. Failed attempts are not remembered, so a corrected retry may
    reuse its key."""
    context = ctx(info)
    key = idempotency_key(info)
    fingerprint = json.dumps({"field": info.field_name, "arguments": arguments}, sort_keys=True, default=str)
    if key is not None and key in context.state.idempotency:
        previous_fingerprint, previous = context.state.idempotency[key]
        if previous_fingerprint != fingerprint:
            return {
                **failed,
                "userErrors": [
                    {"field": error_field, "message": MISMATCH, "code": "IDEMPOTENCY_KEY_PARAMETER_MISMATCH"}
                ],
            }
        return previous
    result = run(context)
    if key is not None and not result["userErrors"]:
        context.state.idempotency[key] = (fingerprint, result)
    return result


def _error(field: list[str], message: str, code: str) -> dict[str, Any]:
    return {"field": field, "message": message, "code": code}


def _reason_error(reason: str) -> dict[str, Any] | None:
    if reason in INVENTORY_REASONS:
        return None
    return _error(
        ["input", "reason"],
        f"The specified reason is invalid. Valid values are: {', '.join(INVENTORY_REASONS)}.",
        "INVALID_REASON",
    )


def _target(
    context: Context, entry: dict[str, Any], path: list[str], messages: dict[str, str]
) -> tuple[Variant | None, InventoryLevel | None, list[dict[str, Any]]]:
    """The variant and active level an entry names, or the errors why there is none."""
    state = context.state
    variant = state.variant_by_item(parse_gid(entry["inventoryItemId"], "InventoryItem"))
    if variant is None:
        return (
            None,
            None,
            [
                _error(
                    [*path, "inventoryItemId"],
                    "The specified inventory item could not be found.",
                    "INVALID_INVENTORY_ITEM",
                )
            ],
        )
    location_id = parse_gid(entry["locationId"], "Location")
    if location_id not in state.locations:
        return (
            variant,
            None,
            [_error([*path, "locationId"], "The specified location could not be found.", "INVALID_LOCATION")],
        )
    assert location_id is not None
    level = state.level(variant.inventory_item_id, location_id, create=False)
    if level is None or not level.is_active:
        code = "ITEM_NOT_STOCKED_AT_LOCATION"
        return variant, None, [_error([*path, "locationId"], messages[code], code)]
    return variant, level, []


def _stale(entry: dict[str, Any], current: int, path: list[str], messages: dict[str, str]) -> list[dict]:
    expected = entry.get("changeFromQuantity")
    if expected is None or expected == current:
        return []
    code = "CHANGE_FROM_QUANTITY_STALE"
    return [_error([*path, "changeFromQuantity"], messages[code], code)]


def _change(
    context: Context, name: str, delta: int, variant: Variant, level: InventoryLevel, ledger: str | None
) -> dict[str, Any]:
    return {
        "name": name,
        "delta": delta,
        "quantityAfterChange": None,
        "ledgerDocumentUri": ledger,
        "item": InventoryItemRef(variant),
        "location": context.state.locations[level.location_id],
    }


def _group(context: Context, data: dict[str, Any], changes: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "id": gid("InventoryAdjustmentGroup", context.state.next_id()),
        "createdAt": context.state.now(),
        "reason": data["reason"],
        "referenceDocumentUri": data.get("referenceDocumentUri"),
        "changes": changes,
    }


def _touched(context: Context, moved: list[tuple[Variant, InventoryLevel]]) -> None:
    """Timestamps and webhooks of a stock change: inventory_levels/update per level, products/update
    per product (as a stock change in the admin fires both)."""
    state = context.state
    now = state.now()
    products: dict[int, Product] = {}
    for variant, level in moved:
        level.updated_at = now
        variant.item_updated_at = now
        product = state.product_of(variant)
        product.updated_at = now
        products[product.id] = product
        context.changes.append(Change("inventory_levels/update", inventory_level_json(level)))
    for product in products.values():
        context.changes.append(Change("products/update", product_json(state, product)))


# ----- inventorySetQuantities ---------------------------------------------------------------------
@resolves("Mutation", "inventorySetQuantities")
def inventory_set_quantities(
    _: Any,
    info: GraphQLResolveInfo,
    input: dict[str, Any],  # noqa: A002 - GraphQL argument name
) -> dict[str, Any]:
    return idempotent(
        info,
        {"input": input},
        lambda context: set_quantities(context, input),
        failed={"inventoryAdjustmentGroup": None},
        error_field=["input"],
    )


def set_quantities(context: Context, data: dict[str, Any]) -> dict[str, Any]:
    errors: list[dict[str, Any]] = []
    name = data["name"]
    if name not in SET_NAMES:
        errors.append(
            _error(
                ["input", "name"],
                "The quantity name must be either 'available' or 'on_hand'.",
                "INVALID_NAME",
            )
        )
    if (reason := _reason_error(data["reason"])) is not None:
        errors.append(reason)
    pairs: dict[tuple[str, str], list[int]] = {}
    for index, quantity in enumerate(data["quantities"]):
        pairs.setdefault((quantity["inventoryItemId"], quantity["locationId"]), []).append(index)
    for index in sorted(i for indexes in pairs.values() if len(indexes) > 1 for i in indexes):
        errors.append(
            _error(
                ["input", "quantities", str(index), "locationId"],
                "The combination of inventoryItemId and locationId must be unique.",
                "NO_DUPLICATE_INVENTORY_ITEM_ID_GROUP_ID_PAIR",
            )
        )
    planned: list[tuple[Variant, InventoryLevel, int]] = []
    for index, quantity in enumerate(data["quantities"]):
        path = ["input", "quantities", str(index)]
        variant, level, problems = _target(context, quantity, path, SET_MESSAGES)
        if not problems:
            problems = _set_range(quantity["quantity"], name, path)
        if not problems and level is not None and name in SET_NAMES:
            current = quantity_of(level, name)
            problems = _stale(quantity, current, path, SET_MESSAGES)
            if not problems and variant is not None:
                planned.append((variant, level, quantity["quantity"] - current))
        errors.extend(problems)
    if errors:
        return {"inventoryAdjustmentGroup": None, "userErrors": errors}
    for _variant, level, delta in planned:
        level.available += delta
        level.on_hand += delta
    _touched(context, [(variant, level) for variant, level, delta in planned if delta])
    changes = [
        _change(context, quantity_name, delta, variant, level, None)
        for quantity_name in SET_NAMES
        for variant, level, delta in planned
    ]
    return {"inventoryAdjustmentGroup": _group(context, data, changes), "userErrors": []}


def _set_range(value: int, name: str, path: list[str]) -> list[dict[str, Any]]:
    if value > MAX_QUANTITY:
        return [
            _error(
                [*path, "quantity"],
                "The quantity can't be higher than 1,000,000,000.",
                "INVALID_QUANTITY_TOO_HIGH",
            )
        ]
    if value < -MAX_QUANTITY:
        return [
            _error(
                [*path, "quantity"],
                "The quantity can't be lower than -1,000,000,000.",
                "INVALID_QUANTITY_TOO_LOW",
            )
        ]
    if name == "on_hand" and value < 0:
        return [_error([*path, "quantity"], "The quantity can't be negative.", "INVALID_QUANTITY_NEGATIVE")]
    return []


# ----- inventoryAdjustQuantities ------------------------------------------------------------------
@resolves("Mutation", "inventoryAdjustQuantities")
def inventory_adjust_quantities(
    _: Any,
    info: GraphQLResolveInfo,
    input: dict[str, Any],  # noqa: A002
) -> dict[str, Any]:
    return idempotent(
        info,
        {"input": input},
        lambda context: adjust_quantities(context, input),
        failed={"inventoryAdjustmentGroup": None},
        error_field=["input"],
    )


def adjust_quantities(context: Context, data: dict[str, Any]) -> dict[str, Any]:
    errors: list[dict[str, Any]] = []
    name = data["name"]
    if name not in ADJUST_NAMES:
        errors.append(
            _error(["input", "name"], "The specified quantity name is invalid.", "INVALID_QUANTITY_NAME")
        )
    if (reason := _reason_error(data["reason"])) is not None:
        errors.append(reason)
    planned: list[tuple[Variant, InventoryLevel, int, str | None]] = []
    for index, change in enumerate(data["changes"]):
        path = ["input", "changes", str(index)]
        variant, level, problems = _target(context, change, path, ADJUST_MESSAGES)
        if not problems:
            problems = _ledger_problems(name, change.get("ledgerDocumentUri"), path)
        if not problems and abs(change["delta"]) > MAX_ADJUSTMENT:
            code = "INVALID_QUANTITY_TOO_HIGH" if change["delta"] > 0 else "INVALID_QUANTITY_TOO_LOW"
            message = (
                "The quantity can't be higher than 2,000,000,000."
                if change["delta"] > 0
                else "The quantity can't be lower than -2,000,000,000."
            )
            problems = [_error([*path, "delta"], message, code)]
        if not problems and level is not None and name in ADJUST_NAMES:
            problems = _stale(change, quantity_of(level, name), path, ADJUST_MESSAGES)
            if not problems and variant is not None and change["delta"]:
                planned.append((variant, level, change["delta"], change.get("ledgerDocumentUri")))
        errors.extend(problems)
    if errors:
        return {"inventoryAdjustmentGroup": None, "userErrors": errors}
    if not planned:
        return {"inventoryAdjustmentGroup": None, "userErrors": []}
    now = context.state.now()
    for _variant, level, delta, _ledger in planned:
        if name == "available":
            level.available += delta
        else:
            level.states[name] = level.states.get(name, 0) + delta
            level.changed[name] = now
        if name != "incoming":
            level.on_hand += delta
    if name in ("available", *ON_HAND_STATES):
        _touched(context, [(variant, level) for variant, level, _delta, _ledger in planned])
    changes = [
        _change(context, name, delta, variant, level, ledger) for variant, level, delta, ledger in planned
    ]
    if name != "incoming":
        changes += [
            _change(context, "on_hand", delta, variant, level, None) for variant, level, delta, _ in planned
        ]
    return {"inventoryAdjustmentGroup": _group(context, data, changes), "userErrors": []}


def _ledger_problems(name: str, ledger: str | None, path: list[str]) -> list[dict[str, Any]]:
    """A ledger document is required for every quantity but `available`, and refused for it."""
    if name == "available" and ledger:
        return [
            _error(
                [*path, "ledgerDocumentUri"],
                "A ledger document URI is not allowed when adjusting available.",
                "INVALID_AVAILABLE_DOCUMENT",
            )
        ]
    if name != "available" and name in ADJUST_NAMES and not ledger:
        return [
            _error(
                [*path, "ledgerDocumentUri"],
                "A ledger document URI is required except when adjusting available.",
                "INVALID_QUANTITY_DOCUMENT",
            )
        ]
    return []
