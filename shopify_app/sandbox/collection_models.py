"""Records of a sandbox shop's collections: custom (a manual list of products) and smart (rules)."""

from __future__ import annotations

import weakref
from dataclasses import dataclass, field
from typing import Any

from shopify_app.sandbox.models import Metafield


@dataclass
class Rule:
    column: str  # CollectionRuleColumn: TITLE, TYPE, VENDOR, TAG, VARIANT_PRICE…
    relation: str  # CollectionRuleRelation: EQUALS, CONTAINS, LESS_THAN…
    condition: str


@dataclass
class Collection:
    id: int
    title: str
    handle: str
    created_at: str
    updated_at: str
    description_html: str = ""
    sort_order: str = "BEST_SELLING"  # recorded: the default of a new collection
    template_suffix: str | None = None
    seo_title: str | None = None
    seo_description: str | None = None
    image: dict[str, Any] | None = None
    # Smart collections: rules and how they combine; None for a custom collection.
    rules: list[Rule] | None = None
    disjunctive: bool = False
    # Product ids added by hand, in manual order (a smart collection's are kept for older API
    # versions, which accepted them).
    products: list[int] = field(default_factory=list)
    metafields: list[Metafield] = field(default_factory=list)
    created_in: weakref.ref[Any] | None = None
    graphql_type = "Collection"

    @property
    def smart(self) -> bool:
        return self.rules is not None


@dataclass
class CollectionState:
    collections: dict[int, Collection] = field(default_factory=dict)

    def by_handle(self, handle: str) -> Collection | None:
        for collection in self.collections.values():
            if collection.handle == handle:
                return collection
        return None
