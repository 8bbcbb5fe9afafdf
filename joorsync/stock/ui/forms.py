"""The "Stock by location" settings form: a JOOR warehouse per Shopify location and the location that
receives JOOR's stock, each refusal shown at its own control."""

from __future__ import annotations

from typing import Any

from django import forms

from joorsync.stock.places import DEFAULT_WAREHOUSE, warehouses_fingerprint
from joorsync.stock.services import stock_outside_of
from joorsync.sync.accounts import location_warehouses_of
from joorsync.sync.models import JoorAccount

WAREHOUSE_PREFIX = "warehouse:"
#: JOOR's `warehouse_name` holds at most 150 characters.
WAREHOUSE_MAX = 150
DEFAULT_RECEIVING = ""
NOT_MAPPED = "Give this location a JOOR warehouse first, or choose another one."
TWICE = "Another location already feeds this JOOR warehouse: each warehouse takes one location."


class StockLocationsForm(forms.Form):
    """One text input per location (`warehouse:<location id>`, blank: not synced) and `receiving`."""

    receiving = forms.ChoiceField(
        required=False, error_messages={"invalid_choice": "Choose one of your shop's locations."}
    )

    def __init__(
        self,
        data: Any = None,
        *,
        account: JoorAccount | None,
        locations: list[tuple[str, str]],
    ) -> None:
        stored, marked = location_warehouses_of(account.location_warehouses if account else None)
        known = dict(locations)
        for gid in stored:
            known.setdefault(gid, gid)  # a mapped location Shopify did not list still shows (by its id)
        initial: dict[str, Any] = {f"{WAREHOUSE_PREFIX}{gid}": stored.get(gid, "") for gid in known}
        initial["receiving"] = marked or DEFAULT_RECEIVING
        super().__init__(data, initial=initial)
        self.account = account
        self.locations = known
        for gid, name in known.items():
            self.fields[f"{WAREHOUSE_PREFIX}{gid}"] = forms.CharField(
                required=False,
                max_length=WAREHOUSE_MAX,
                label=name,
                error_messages={
                    "max_length": f"A JOOR warehouse name has at most {WAREHOUSE_MAX} characters."
                },
            )
        receiving = self.fields["receiving"]
        assert isinstance(receiving, forms.ChoiceField)
        receiving.choices = [
            (DEFAULT_RECEIVING, "Your shop's default location (where Shopify ships from)"),
            *known.items(),
        ]

    def outside_note(self) -> str:
        """Once per shop: the stock JOOR holds outside the warehouses the app writes, as measured after
        its last writes (JOOR's API reads only totals, so it is never written to Shopify)."""
        if self.account is None:
            return ""
        stored, _ = location_warehouses_of(self.account.location_warehouses)
        fingerprint = warehouses_fingerprint(stored.values() or [DEFAULT_WAREHOUSE])
        units, skus = stock_outside_of(shop_id=self.account.shop_id, warehouses=fingerprint)
        if not units:
            return ""
        where = "the warehouses in this table" if stored else f"JOOR's {DEFAULT_WAREHOUSE} warehouse"
        return (
            f"JOOR holds {units} unit{'s' * (units != 1)} of {skus} item{'s' * (skus != 1)} outside "
            f"{where} (measured after the last stock sent to JOOR). That stock stays in JOOR: "
            "it is left out of the comparison and never written to Shopify."
        )

    def rows(self) -> list[dict[str, Any]]:
        """What the table shows per location: its name, input name, value and error."""
        out = []
        for number, (gid, name) in enumerate(self.locations.items(), start=1):
            bound = self[f"{WAREHOUSE_PREFIX}{gid}"]
            out.append(
                {
                    "id": f"stock-wh-{number}",
                    "name": name,
                    "field": bound.html_name,
                    "value": bound.value() or "",
                    "error": bound.errors[0] if bound.errors else "",
                }
            )
        return out

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        seen: dict[str, str] = {}
        for gid in self.locations:
            name = f"{WAREHOUSE_PREFIX}{gid}"
            warehouse = (cleaned.get(name) or "").strip()
            cleaned[name] = warehouse
            if not warehouse or name in self.errors:
                continue
            if warehouse.casefold() in seen:
                self.add_error(name, TWICE)
            seen[warehouse.casefold()] = gid
        receiving = cleaned.get("receiving") or DEFAULT_RECEIVING
        if receiving and not cleaned.get(f"{WAREHOUSE_PREFIX}{receiving}") and "receiving" not in self.errors:
            self.add_error("receiving", NOT_MAPPED)
        return cleaned

    def warehouses(self) -> dict[str, str]:
        """Location id → warehouse name as entered (blank: not synced)."""
        return {gid: self.cleaned_data.get(f"{WAREHOUSE_PREFIX}{gid}", "") for gid in self.locations}

    def receiving_location(self) -> str | None:
        return self.cleaned_data.get("receiving") or None
