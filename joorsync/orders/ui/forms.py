"""The "Orders" settings form: every `OrderSettings` field in a merchant's words, checked field by field
so each refusal shows at its own control, then handed to `order_settings_update` as model values.

Two settings are maps and read as rows: taxes per country as lines of `CC=joor|none` in a text box,
and JOOR warehouse → Shopify location as pairs of inputs (the stored rows plus a few empty ones).
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from joorsync.orders.models import JoorOrderType, OrderSettings
from joorsync.orders.shopify_orders import MAX_TAG_LENGTH, TAG_PREFIX

MIN_INTERVAL = 5
MAX_INTERVAL = 1440
EMPTY_WAREHOUSE_ROWS = 2
MAX_WAREHOUSE_ROWS = 100
CODE_FIELD = "wh_code_"
LOCATION_FIELD = "wh_location_"
COUNTRY_LINE = re.compile(r"^\s*([A-Za-z]{2})\s*=\s*([A-Za-z]+)\s*$")
TAX_WORDS = {"joor": OrderSettings.Tax.AS_JOOR.value, "none": OrderSettings.Tax.NONE.value}
UNLISTED_LOCATION = "A location Shopify no longer lists"
FIELD_NAMES = (
    "enabled",
    "interval_minutes",
    "order_type",
    "retailer_mode",
    "financial_status",
    "mark_fulfilled",
    "inventory_behaviour",
    "tax_mode",
    "tax_by_country",
    "default_location_id",
    "tags",
    "send_status_to_joor",
)


def tax_lines(mapping: dict[str, str]) -> str:
    """The stored per-country taxes as the text box shows them."""
    words = {value: word for word, value in TAX_WORDS.items()}
    return "\n".join(f"{code}={words.get(mode, mode)}" for code, mode in sorted(mapping.items()))


def _posted_rows(data: Any) -> int:
    """How many warehouse rows a submitted form carried (its highest row number + 1)."""
    numbers = [
        int(key[len(CODE_FIELD) :])
        for key in data
        if key.startswith(CODE_FIELD) and key[len(CODE_FIELD) :].isdigit()
    ]
    return min(max(numbers, default=-1) + 1, MAX_WAREHOUSE_ROWS)


class OrderSettingsForm(forms.Form):
    enabled = forms.BooleanField(required=False)
    interval_minutes = forms.IntegerField(
        min_value=MIN_INTERVAL,
        max_value=MAX_INTERVAL,
        error_messages={
            "required": "Enter how often to import, in minutes.",
            "invalid": "Enter a whole number of minutes.",
            "min_value": f"Import no more often than every {MIN_INTERVAL} minutes.",
            "max_value": f"Import at least once a day ({MAX_INTERVAL} minutes).",
        },
    )
    order_type = forms.TypedChoiceField(choices=JoorOrderType.choices, coerce=int)
    retailer_mode = forms.ChoiceField(choices=OrderSettings.RetailerMode.choices)
    financial_status = forms.ChoiceField(choices=OrderSettings.Payment.choices)
    mark_fulfilled = forms.BooleanField(required=False)
    inventory_behaviour = forms.ChoiceField(choices=OrderSettings.Inventory.choices)
    tax_mode = forms.ChoiceField(choices=OrderSettings.Tax.choices)
    tax_by_country = forms.CharField(required=False, max_length=5000, strip=False)
    default_location_id = forms.ChoiceField(required=False)
    tags = forms.CharField(required=False, max_length=255)
    send_status_to_joor = forms.BooleanField(required=False)

    def __init__(
        self,
        data: Any = None,
        *,
        settings: OrderSettings,
        locations: list[tuple[str, str]],
    ) -> None:
        stored = dict(settings.warehouse_locations or {})
        initial = {name: getattr(settings, name) for name in FIELD_NAMES}
        initial["tax_by_country"] = tax_lines(dict(settings.tax_by_country or {}))
        for n, (code, gid) in enumerate(stored.items()):
            initial[f"{CODE_FIELD}{n}"] = code
            initial[f"{LOCATION_FIELD}{n}"] = gid
        super().__init__(data, initial=initial)
        self.settings = settings
        known = dict(locations)
        for gid in [settings.default_location_id, *stored.values()]:
            if gid:
                known.setdefault(gid, UNLISTED_LOCATION)  # a stored choice stays on the page
        self.locations = list(known.items())
        choices = [("", "Choose a location"), *self.locations]
        default_location = self.fields["default_location_id"]
        assert isinstance(default_location, forms.ChoiceField)
        default_location.choices = [("", "Shopify chooses"), *self.locations]
        rows = max(len(stored) + EMPTY_WAREHOUSE_ROWS, _posted_rows(data) if data is not None else 0)
        self.row_count = min(rows, MAX_WAREHOUSE_ROWS)
        for n in range(self.row_count):
            self.fields[f"{CODE_FIELD}{n}"] = forms.CharField(required=False, max_length=100)
            self.fields[f"{LOCATION_FIELD}{n}"] = forms.ChoiceField(required=False, choices=choices)

    # -- what the template walks ---------------------------------------------------------------

    def warehouse_rows(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[f"{CODE_FIELD}{n}"], self[f"{LOCATION_FIELD}{n}"]) for n in range(self.row_count)]

    # -- checks ---------------------------------------------------------------------------------

    def clean_tax_by_country(self) -> dict[str, str]:
        text = self.cleaned_data.get("tax_by_country") or ""
        found: dict[str, str] = {}
        problems = []
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            match = COUNTRY_LINE.match(line)
            mode = TAX_WORDS.get(match.group(2).lower()) if match else None
            if match is None or mode is None:
                problems.append(
                    f"Line {number}: write a two-letter country code, “=”, then joor or none "
                    "(for example CA=none)."
                )
                continue
            code = match.group(1).upper()
            if code in found:
                problems.append(f"Line {number}: {code} is already given above.")
                continue
            found[code] = mode
        if problems:
            raise ValidationError(problems)
        return found

    def clean_tags(self) -> str:
        tags = [t.strip() for t in (self.cleaned_data.get("tags") or "").split(",") if t.strip()]
        long = [t for t in tags if len(t) > MAX_TAG_LENGTH]
        if long:
            raise ValidationError(f"A tag can have at most {MAX_TAG_LENGTH} characters: {long[0]}.")
        reserved = [t for t in tags if t.lower().startswith(TAG_PREFIX)]
        if reserved:
            raise ValidationError(
                f"Tags starting with “{TAG_PREFIX}” are the app's own (each order's JOOR number): "
                f"remove {reserved[0]}."
            )
        return ", ".join(dict.fromkeys(tags))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        warehouses: dict[str, str] = {}
        for n in range(self.row_count):
            code_name, location_name = f"{CODE_FIELD}{n}", f"{LOCATION_FIELD}{n}"
            if code_name in self.errors or location_name in self.errors:
                continue
            code = (cleaned.get(code_name) or "").strip()
            location = cleaned.get(location_name) or ""
            if not code and not location:
                continue
            if not code:
                self.add_error(code_name, "Enter the JOOR warehouse code or linesheet for this location.")
            elif not location:
                self.add_error(location_name, f"Choose the Shopify location for {code}.")
            elif code in warehouses:
                self.add_error(code_name, f"Warehouse {code} is already listed above.")
            else:
                warehouses[code] = location
        cleaned["warehouse_locations"] = warehouses
        return cleaned

    def changes(self) -> dict[str, Any]:
        """The checked values as `order_settings_update` takes them (model field names)."""
        values = {name: self.cleaned_data[name] for name in FIELD_NAMES}
        values["warehouse_locations"] = self.cleaned_data["warehouse_locations"]
        return values

    def add_model_errors(self, error: ValidationError) -> None:
        """Refusals of the model's own checks, each at its field when the form has one."""
        for name, messages in error.message_dict.items():
            self.add_error(name if name in self.fields else None, messages)
