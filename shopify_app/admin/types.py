"""Typed results of the client's operations.

Product, variant and metafield payloads stay plain dicts in Shopify's own (camelCase GraphQL) shape, so
the sync engine's mapping sees exactly what Shopify sent; everything the client itself interprets (user
errors, cost, operations, subscriptions) is a small frozen dataclass.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from shopify_app.admin.cost import QueryCost


@dataclass(frozen=True)
class UserError:
    """One entry of a mutation's `userErrors`. `code` is None where Shopify's type has none."""

    field: list[str] | None
    message: str
    code: str | None = None
    element_index: int | None = None

    @classmethod
    def from_payload(cls, raw: Mapping[str, Any]) -> UserError:
        path = raw.get("field")
        return cls(
            field=[str(p) for p in path] if path is not None else None,
            message=str(raw.get("message", "")),
            code=raw.get("code"),
            element_index=raw.get("elementIndex"),
        )


def user_errors_from(payload: Mapping[str, Any] | None, key: str = "userErrors") -> list[UserError]:
    if not payload:
        return []
    return [UserError.from_payload(e) for e in payload.get(key) or []]


@dataclass(frozen=True)
class GraphQLResult:
    """A successful answer: `data` plus the parsed cost extension."""

    operation_name: str
    data: dict[str, Any]
    extensions: dict[str, Any] = field(default_factory=dict)
    cost: QueryCost | None = None


@dataclass(frozen=True)
class MutationResult:
    """Common shape of every typed mutation result: what came back plus its user errors."""

    user_errors: list[UserError]

    @property
    def ok(self) -> bool:
        return not self.user_errors


@dataclass(frozen=True)
class ShopInfo:
    id: str
    name: str
    myshopify_domain: str
    currency_code: str
    iana_timezone: str | None = None
    plan_display_name: str | None = None
    plan_partner_development: bool | None = None
    plan_shopify_plus: bool | None = None

    @classmethod
    def from_payload(cls, raw: Mapping[str, Any]) -> ShopInfo:
        plan = raw.get("plan") or {}
        return cls(
            id=raw["id"],
            name=raw["name"],
            myshopify_domain=raw["myshopifyDomain"],
            currency_code=raw["currencyCode"],
            iana_timezone=raw.get("ianaTimezone"),
            plan_display_name=plan.get("displayName"),
            plan_partner_development=plan.get("partnerDevelopment"),
            plan_shopify_plus=plan.get("shopifyPlus"),
        )


@dataclass(frozen=True)
class Location:
    id: str
    name: str
    is_active: bool = True
    fulfills_online_orders: bool | None = None
    legacy_resource_id: str | None = None

    @classmethod
    def from_payload(cls, raw: Mapping[str, Any]) -> Location:
        return cls(
            id=raw["id"],
            name=raw["name"],
            is_active=raw.get("isActive", True),
            fulfills_online_orders=raw.get("fulfillsOnlineOrders"),
            legacy_resource_id=raw.get("legacyResourceId"),
        )


@dataclass(frozen=True)
class WebhookSubscription:
    id: str
    topic: str
    uri: str
    format: str | None = None
    created_at: str | None = None

    @classmethod
    def from_payload(cls, raw: Mapping[str, Any]) -> WebhookSubscription:
        return cls(
            id=raw["id"],
            topic=raw["topic"],
            uri=raw.get("uri") or raw.get("callbackUrl") or "",
            format=raw.get("format"),
            created_at=raw.get("createdAt"),
        )


@dataclass(frozen=True)
class WebhookSubscriptionResult(MutationResult):
    subscription: WebhookSubscription | None = None


@dataclass(frozen=True)
class ProductSetOperation:
    """An asynchronous productSet: status CREATED → ACTIVE → COMPLETE."""

    id: str
    status: str
    product: dict[str, Any] | None = None
    user_errors: list[UserError] = field(default_factory=list)

    @property
    def done(self) -> bool:
        return self.status == "COMPLETE"

    @classmethod
    def from_payload(cls, raw: Mapping[str, Any], *, fallback_id: str = "") -> ProductSetOperation:
        return cls(
            id=raw.get("id") or fallback_id,
            status=raw["status"],
            product=raw.get("product"),
            user_errors=user_errors_from(raw),
        )


@dataclass(frozen=True)
class ProductSetResult(MutationResult):
    product: dict[str, Any] | None = None
    operation: ProductSetOperation | None = None


@dataclass(frozen=True)
class ProductResult(MutationResult):
    product: dict[str, Any] | None = None


@dataclass(frozen=True)
class ProductDeleteResult(MutationResult):
    deleted_product_id: str | None = None


@dataclass(frozen=True)
class VariantsBulkUpdateResult(MutationResult):
    product: dict[str, Any] | None = None
    variants: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class MetafieldsSetResult(MutationResult):
    metafields: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class InventorySetResult(MutationResult):
    adjustment_group: dict[str, Any] | None = None


@dataclass(frozen=True)
class BulkOperation:
    """A bulk query or mutation as Shopify reports it (counts and sizes come as strings on the wire)."""

    id: str
    status: str
    type: str | None = None
    error_code: str | None = None
    created_at: str | None = None
    completed_at: str | None = None
    object_count: int = 0
    root_object_count: int = 0
    file_size: int | None = None
    url: str | None = None
    partial_data_url: str | None = None
    query: str | None = None

    TERMINAL = frozenset({"COMPLETED", "FAILED", "CANCELED", "EXPIRED"})
    FAILED_STATES = frozenset({"FAILED", "CANCELED", "EXPIRED"})

    @property
    def finished(self) -> bool:
        return self.status in self.TERMINAL

    @classmethod
    def from_payload(cls, raw: Mapping[str, Any]) -> BulkOperation:
        def _int(value: Any) -> int | None:
            return int(value) if value not in (None, "") else None

        return cls(
            id=raw["id"],
            status=raw["status"],
            type=raw.get("type"),
            error_code=raw.get("errorCode"),
            created_at=raw.get("createdAt"),
            completed_at=raw.get("completedAt"),
            object_count=_int(raw.get("objectCount")) or 0,
            root_object_count=_int(raw.get("rootObjectCount")) or 0,
            file_size=_int(raw.get("fileSize")),
            url=raw.get("url"),
            partial_data_url=raw.get("partialDataUrl"),
            query=raw.get("query"),
        )


@dataclass(frozen=True)
class BulkOperationResult(MutationResult):
    operation: BulkOperation | None = None


@dataclass(frozen=True)
class StagedTarget:
    """Where to upload a file: POST multipart to `url` with `parameters` as form fields, file last."""

    url: str
    resource_url: str | None
    parameters: list[tuple[str, str]]

    @property
    def key(self) -> str | None:
        """The `key` form field: the `stagedUploadPath` for bulkOperationRunMutation."""
        return next((v for n, v in self.parameters if n == "key"), None)

    @classmethod
    def from_payload(cls, raw: Mapping[str, Any]) -> StagedTarget:
        return cls(
            url=raw.get("url") or "",
            resource_url=raw.get("resourceUrl"),
            parameters=[(p["name"], p["value"]) for p in raw.get("parameters") or []],
        )


@dataclass(frozen=True)
class StagedUploadsResult(MutationResult):
    targets: list[StagedTarget] = field(default_factory=list)


def nodes_of(connection: Mapping[str, Any] | None) -> list[dict[str, Any]]:
    """The nodes of a connection, whether it was selected with `nodes` or `edges { node }`."""
    if not connection:
        return []
    if "nodes" in connection:
        return list(connection["nodes"] or [])
    return [edge["node"] for edge in connection.get("edges") or []]


def first_or_none(items: Iterable[Any]) -> Any | None:
    return next(iter(items), None)
