"""What error reports (the DEBUG page, admin error mails) may show.

Django hides settings whose names look secret (KEY, TOKEN, PASS…), but a broker or database URL carries
its password inside the value: REDIS_URL, the Q_CLUSTER dict that copies it, and DATABASE_URL in the
process environment, which runserver passes into request.META. Those names are hidden whole, and any
other URL with credentials (`scheme://user:password@host`) keeps its host but loses its user part,
wherever it appears: a setting, a request header or environment value, or a local variable.
"""

from __future__ import annotations

import re
from typing import Any

from django.http import HttpRequest
from django.views.debug import SafeExceptionReporterFilter

URL_CREDENTIALS = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)[^\s/@]+@")


def url_credentials_hide(value: Any, substitute: str) -> Any:
    """A string `value` with the user part of every URL replaced by `substitute`; anything else, and
    a string without such a URL, as it is (lazy objects that pass for strings included)."""
    if not isinstance(value, str):
        return value
    text = str(value)
    if not URL_CREDENTIALS.search(text):
        return value
    return URL_CREDENTIALS.sub(lambda match: f"{match.group(1)}{substitute}@", text)


class SecretsHidingReporterFilter(SafeExceptionReporterFilter):
    hidden_settings = re.compile(
        "API|AUTH|TOKEN|KEY|SECRET|PASS|SIGNATURE|HTTP_COOKIE|CREDENTIAL|DSN|REDIS|Q_CLUSTER|BROKER"
        "|DATABASE_URL",
        flags=re.IGNORECASE,
    )

    def cleanse_setting(self, key: Any, value: Any) -> Any:
        return url_credentials_hide(super().cleanse_setting(key, value), self.cleansed_substitute)

    def cleanse_special_types(self, request: HttpRequest | None, value: Any) -> Any:
        return url_credentials_hide(super().cleanse_special_types(request, value), self.cleansed_substitute)
