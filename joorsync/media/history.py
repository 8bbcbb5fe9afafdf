"""What a pair's image writes read as to a person: the rows of its history and of a preview."""

from __future__ import annotations

from typing import Any

from joorsync.media.plan import IMAGES_PATH, ImagePlan, color_path
from joorsync.sync.engine.plan import Side


def image_writes(plan: ImagePlan | None, side: Side) -> bool:
    """Whether the pair's images wrote to `side` (for the run's counts)."""
    if plan is None:
        return False
    return plan.writes_shopify if side is Side.SHOPIFY else bool(image_changes(plan, side))


def image_changes(plan: ImagePlan | None, side: Side) -> list[dict[str, Any]]:
    """The history rows of a pair's image writes on one side (names before and after)."""
    if plan is None:
        return []
    if side is Side.SHOPIFY and plan.writes_shopify and plan.shopify_before != plan.shopify_after:
        names = plan.names
        return [
            {
                "path": IMAGES_PATH,
                "old": [names.get(k, k) for k in plan.shopify_before],
                "new": [names.get(k, k) for k in plan.shopify_after],
                "by": "merge",
            }
        ]
    if side is Side.JOOR and plan.writes_joor:
        names = plan.names
        after = [k for k in plan.joor_after if k not in plan.new_refused]
        rows: list[dict[str, Any]] = []
        if after != plan.joor_before:
            rows.append(
                {
                    "path": IMAGES_PATH,
                    "old": [names.get(k, k) for k in plan.joor_before],
                    "new": [names.get(k, k) for k in after],
                    "by": "merge",
                }
            )
        rows += [
            {
                "path": color_path(c.code),
                "old": names.get(c.base, c.base) if c.base else None,
                "new": c.name,
                "by": "merge",
            }
            for c in plan.colour_uploads
        ]
        return rows
    return []


def image_preview(plan: ImagePlan | None) -> dict[str, Any]:
    """What a pair's images would become, as a person reads it in a preview (names, not keys):
    per side the images added and removed and the new order when it changes, and colour images."""
    if plan is None or plan.wait:
        return {}
    names = plan.names
    found: dict[str, Any] = {}
    if plan.files is not None:
        current, target = plan.current, plan.target
        shopify: dict[str, Any] = {
            "add": [names.get(k, k) for k in target if k not in current],
            "remove": [names.get(k, k) for k in current if k not in target],
        }
        kept = [k for k in target if k in current]
        if kept != [k for k in current if k in target]:
            shopify["order"] = [names.get(k, k) for k in target]
        found["shopify"] = {k: v for k, v in shopify.items() if v}
    if plan.attach:
        found.setdefault("shopify", {})["colours"] = {
            c: names.get(k, k) for c, k in sorted(plan.attach.items())
        }
    joor: dict[str, Any] = {
        "add": [u.name for u in plan.uploads],
        "remove": [names.get(k, k) for k, _ in plan.joor_deletes],
        "colours": {c.code: c.name for c in plan.colour_uploads},
    }
    joor = {k: v for k, v in joor.items() if v}
    if joor:
        found["joor"] = joor
    return {side: rows for side, rows in found.items() if rows}
