"""The shop owner's e-mail and the shop's time zone, as Shopify reports them: the defaults of a shop's
notification settings. One bounded read, never retried; a failure only leaves the defaults blank."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from joorsync.sync.clients import shopify_client_for
from joorsync.sync.selectors import shop_has_admin_access
from shopify_app.admin.operations import load_operation
from shopify_app.models import Shop

logger = logging.getLogger(__name__)

OPERATION = "ShopContact"
DOCUMENT = load_operation(OPERATION)


@dataclass(frozen=True)
class ShopContact:
    email: str = ""
    time_zone: str = ""


def valid_time_zone(name: str) -> bool:
    """Whether `name` is a time zone this machine knows (Shopify's IANA names)."""
    if not name or len(name) > 64:
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def _valid_email(value: str) -> bool:
    try:
        validate_email(value)
    except ValidationError:
        return False
    return len(value) <= 254


def shop_contact_read(*, shop: Shop) -> ShopContact | None:
    """The shop's e-mail and IANA time zone, each blank where Shopify's value is unusable; None when
    Shopify could not be asked (not installed, unreachable, refused)."""
    if not shop_has_admin_access(shop=shop):
        return None
    try:
        client = shopify_client_for(shop=shop, max_retries=0)
        try:
            result = client.execute_document(DOCUMENT, operation_name=OPERATION, idempotent=True)
        finally:
            client.close()
    except Exception as exc:  # the defaults stay blank; the merchant enters an address in Settings
        logger.info("contact of %s unavailable: %s", shop.shop_domain, type(exc).__name__)
        return None
    raw = result.data.get("shop") or {}
    email = str(raw.get("email") or "").strip()
    zone = str(raw.get("ianaTimezone") or "").strip()
    return ShopContact(
        email=email if _valid_email(email) else "",
        time_zone=zone if valid_time_zone(zone) else "",
    )
