"""A JOOR style's categories, as the brand sets them in JOOR (shared by the category tests)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any


def joor_categories(department: str, parent: str, label: str) -> list[dict[str, Any]]:
    """The v2 `categories` record of one path: department › sub-category parent › sub-category."""
    return [
        {
            "category_parent": department,
            "subcategories": [
                {
                    "subcategory_parent": parent,
                    "subcategory": [{"subcategory_id": 1, "subcategory_label": label}],
                }
            ],
        }
    ]


def set_joor_categories(world: Any, style_id: int, categories: list[dict[str, Any]]) -> None:
    """A brand user's category change in JOOR (the style's modified date moves)."""
    style = world.joor_sandbox.catalog.styles[style_id]
    style.categories = categories
    style.modified = datetime.now(UTC)
    world.joor_sandbox.catalog.touch(style)
