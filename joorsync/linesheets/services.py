"""Writes of the linesheet app's own rows: the settings a merchant saves, and the links' agreed state."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction

from joorsync.linesheets.models import LinesheetDirection, LinesheetLink, LinesheetSettings
from shopify_app.models import Shop

MAX_CHOSEN = 100  # collections sent to JOOR; each is read on every run


def linesheet_settings_update(
    *, shop: Shop, direction: str, shopify_collections: Iterable[str]
) -> LinesheetSettings:
    """Save the section. A collection that is a JOOR linesheet's already cannot be sent back to JOOR."""
    chosen = list(dict.fromkeys(str(c) for c in shopify_collections if c))
    errors: dict[str, list[str]] = {}
    if direction not in LinesheetDirection.values:
        errors["direction"] = ["Choose one of the directions listed."]
    if len(chosen) > MAX_CHOSEN:
        errors["shopify_collections"] = [f"Choose at most {MAX_CHOSEN} collections."]
    bad = [c for c in chosen if not c.startswith("gid://shopify/Collection/")]
    if bad:
        errors.setdefault("shopify_collections", []).append("Choose collections from the list.")
    from_joor = set(
        LinesheetLink.objects.filter(
            shop=shop, origin=LinesheetLink.Origin.JOOR, shopify_collection_id__in=chosen
        ).values_list("title", flat=True)
    )
    if from_joor:
        errors.setdefault("shopify_collections", []).append(
            "These collections are JOOR linesheets already and follow JOOR: " + ", ".join(sorted(from_joor))
        )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        settings, _ = LinesheetSettings.objects.select_for_update().get_or_create(shop=shop)
        settings.direction = direction
        settings.shopify_collections = chosen
        settings.save()
    return settings
