"""The "Linesheets and collections" settings form, checked field by field so each refusal shows at
its own control, then handed to `linesheet_settings_update`."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from joorsync.linesheets.models import LinesheetDirection, LinesheetLink, LinesheetSettings
from joorsync.linesheets.selectors import linesheet_settings_get
from joorsync.linesheets.ui.outside import shopify_collection_choices
from shopify_app.models import Shop

DIRECTION_HELP = {
    LinesheetDirection.OFF.value: "Collections and linesheets are left as they are.",
    LinesheetDirection.JOOR_TO_SHOPIFY.value: "Each JOOR delivery becomes a collection, its styles in JOOR's order.",
    LinesheetDirection.SHOPIFY_TO_JOOR.value: "The collections ticked below become JOOR linesheets.",
    LinesheetDirection.BOTH.value: "Both of the above.",
}


class LinesheetSettingsForm(forms.Form):
    direction = forms.ChoiceField(
        choices=LinesheetDirection.choices,
        error_messages={"invalid_choice": "Choose one of the directions listed."},
    )
    shopify_collections = forms.MultipleChoiceField(
        required=False,
        error_messages={
            "invalid_choice": "“%(value)s” is not one of your collections any more: reload the page."
        },
    )

    def __init__(self, data: Any = None, *, settings: LinesheetSettings) -> None:
        super().__init__(
            data,
            initial={"direction": settings.direction, "shopify_collections": settings.shopify_collections},
        )
        self.settings = settings
        found = shopify_collection_choices(shop=settings.shop)
        self.collections_error = found.error
        joor_made = set(
            LinesheetLink.objects.filter(shop=settings.shop, origin=LinesheetLink.Origin.JOOR).values_list(
                "shopify_collection_id", flat=True
            )
        )
        choices = [(gid, title) for gid, title in found.choices if gid not in joor_made]
        known = {gid for gid, _ in choices}
        # A chosen collection Shopify did not list (the read failed, or it is past the first page) stays.
        choices += [(gid, gid) for gid in settings.shopify_collections or [] if gid not in known]
        field = self.fields["shopify_collections"]
        assert isinstance(field, forms.MultipleChoiceField)  # noqa: S101 - declared above
        field.choices = choices

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        direction = cleaned.get("direction")
        sends = direction in (LinesheetDirection.SHOPIFY_TO_JOOR, LinesheetDirection.BOTH)
        if sends and "shopify_collections" not in self.errors and not cleaned.get("shopify_collections"):
            self.add_error("shopify_collections", "Tick at least one collection to send to JOOR.")
        return cleaned

    def changes(self) -> dict[str, Any]:
        return {
            "direction": self.cleaned_data["direction"],
            "shopify_collections": self.cleaned_data.get("shopify_collections") or [],
        }

    def add_model_errors(self, error: ValidationError) -> None:
        for name, messages in error.message_dict.items():
            self.add_error(name if name in self.fields else None, messages)

    def direction_rows(self) -> list[tuple[str, str, str]]:
        return [(value, label, DIRECTION_HELP[value]) for value, label in LinesheetDirection.choices]

    def chosen(self) -> set[str]:
        value = self["shopify_collections"].value() or []
        return {str(v) for v in value}


def linesheets_form_for(*, shop: Shop) -> LinesheetSettingsForm:
    return LinesheetSettingsForm(settings=linesheet_settings_get(shop=shop))
