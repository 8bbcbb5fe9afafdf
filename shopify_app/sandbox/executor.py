"""How the sandbox completes leaf values: as Shopify prints them.

Shopify prints a whole `Float` without a fraction (recorded: a price list adjustment `"value": 10`, an
inventory item weight `"value": 0`); graphql-core would print `10.0`.
"""

from __future__ import annotations

from typing import Any

from graphql import GraphQLLeafType
from graphql.execution.executor import Executor


class ShopifyExecutor(Executor):
    @staticmethod
    def complete_leaf_value(return_type: GraphQLLeafType, result: Any) -> Any:
        value = Executor.complete_leaf_value(return_type, result)
        if return_type.name == "Float" and isinstance(value, float) and value.is_integer():
            return int(value)
        return value
