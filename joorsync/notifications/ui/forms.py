"""The "Notifications" settings form: who gets the mails and which ones, checked field by field so
each refusal shows at its own control, then handed to `notification_settings_update` as model values."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from joorsync.notifications.models import NotificationSettings
from joorsync.notifications.services import notification_settings_for
from shopify_app.models import Shop

FIELD_NAMES = ("recipient", "on_failure", "on_new_items", "daily_digest", "digest_hour", "digest_clock")
HOURS = [(hour, f"{hour:02d}:00") for hour in range(24)]
NO_RECIPIENT = "Enter the e-mail address the mails go to, or turn every mail off."


class NotificationSettingsForm(forms.Form):
    recipient = forms.EmailField(
        required=False,
        max_length=254,
        error_messages={
            "invalid": "Enter a valid e-mail address, like you@example.com.",
            "max_length": "An e-mail address has at most 254 characters.",
        },
    )
    on_failure = forms.BooleanField(required=False)
    on_new_items = forms.BooleanField(required=False)
    daily_digest = forms.BooleanField(required=False)
    digest_hour = forms.TypedChoiceField(
        choices=HOURS, coerce=int, error_messages={"invalid_choice": "Choose an hour of the day."}
    )
    digest_clock = forms.ChoiceField(
        choices=NotificationSettings.Clock.choices,
        error_messages={"invalid_choice": "Choose your shop's time zone or UTC."},
    )

    def __init__(self, data: Any = None, *, settings: NotificationSettings) -> None:
        super().__init__(data, initial={name: getattr(settings, name) for name in FIELD_NAMES})
        self.settings = settings
        clock = self.fields["digest_clock"]
        assert isinstance(clock, forms.ChoiceField)
        zone = settings.shop_time_zone
        clock.choices = [
            (
                NotificationSettings.Clock.SHOP.value,
                f"Your shop's time zone ({zone})" if zone else "Your shop's time zone (unknown: UTC is used)",
            ),
            (NotificationSettings.Clock.UTC.value, "UTC"),
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        wanted = any(cleaned.get(name) for name in ("on_failure", "on_new_items", "daily_digest"))
        if wanted and "recipient" not in self.errors and not cleaned.get("recipient"):
            self.add_error("recipient", NO_RECIPIENT)
        return cleaned

    def changes(self) -> dict[str, Any]:
        """The checked values as `notification_settings_update` takes them (model field names)."""
        return {name: self.cleaned_data[name] for name in FIELD_NAMES}

    def add_model_errors(self, error: ValidationError) -> None:
        """Refusals of the model's own checks, each at its field when the form has one."""
        for name, messages in error.message_dict.items():
            self.add_error(name if name in self.fields else None, messages)


def notifications_form_for(*, shop: Shop) -> NotificationSettingsForm:
    """The section as stored (settings made on first use)."""
    return NotificationSettingsForm(settings=notification_settings_for(shop=shop))
