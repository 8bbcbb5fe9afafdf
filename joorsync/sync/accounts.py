"""A shop's JOOR connection: connecting (credentials proven before they are stored) and sync settings.

Credentials are write-only: they are stored encrypted, never logged, and no error message here
contains one. They are only ever sent to the URLs they were entered with, and in production those
URLs can only lead to JOOR (`joorsync.sync.clients.joor_destinations`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction

from joorsync.core.outbound import DestinationRefused
from joorsync.joor.errors import JoorAuthError, JoorError, JoorRateLimited
from joorsync.sync.clients import joor_client_for, joor_destinations
from joorsync.sync.jobs import sync_job_request
from joorsync.sync.merge import FieldGroup, Ownership
from joorsync.sync.models import (
    ApiGeneration,
    DeletePolicy,
    Direction,
    JoorAccount,
    NewProductStatus,
    ProductLink,
    SyncJob,
)
from joorsync.sync.schedules import shop_schedule_sync
from joorsync.sync.selectors import joor_account_ownership, shop_has_admin_access, sync_job_queued_exists
from shopify_app.models import Shop

logger = logging.getLogger(__name__)

#: A person waits on connect: one retry at most, not a minute of backoff.
CONNECT_PROBE_RETRIES = 1
#: Schedules run at most this far apart (a week); 0 switches them off.
MAX_SYNC_INTERVAL_MINUTES = 7 * 24 * 60

_V4_FIELDS = ("client_id", "client_secret", "username", "password", "account_id")
_PRICE_FIELDS = {"price_retail", "price_wholesale"}
_TRUE = {"1", "true", "on", "yes"}
_FALSE = {"", "0", "false", "off", "no"}
#: Settings that decide what is created, matched or written where: changing one re-evaluates the
#: shop's products with a full sync (ownership is compared as the owners it yields).
MATCHING_SETTINGS = (
    "direction",
    "price_label",
    "price_currency",
    "price_field",
    "compare_at_field",
    "wholesale_factor",
    "new_product_status",
    "sync_shopify_drafts",
)


class JoorAccountInvalid(ValueError):
    """Connection details or settings that cannot be right; the message is one line and names no secret."""


class JoorConnectionError(Exception):
    """JOOR refused the credentials or could not be reached; one line, no secret."""


def _check_url(name: str, url: str) -> str:
    """`url` without its trailing slash, if it is one JOOR clients may be pointed at (no request made:
    where its host resolves is checked when a connection is opened)."""
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise JoorAccountInvalid(f"{name} must be an http(s) URL, such as https://api.jooraccess.com")
    try:
        joor_destinations().check_url(url)
    except DestinationRefused:
        raise JoorAccountInvalid(
            f"{name} must be an https URL on one of JOOR's hosts, such as https://api.jooraccess.com"
        ) from None
    return url.rstrip("/")


def joor_account_check_urls(account: JoorAccount) -> None:
    """Raise `JoorAccountInvalid` unless the account's URLs are ones JOOR clients may be pointed at."""
    _check_url("base_url", account.base_url)
    if account.api_generation == ApiGeneration.V4:
        _check_url("auth_url", account.auth_url or settings.JOOR_AUTH_URL)


def joor_unreachable_message(where: str) -> str:
    """The one message for every way a check can fail short of JOOR refusing the credentials.

    Nothing about what answered (a refused port, a timeout, a web server that is not JOOR, a redirect)
    reaches the person who typed the URL, so the check cannot map what lives where.
    """
    return f"No JOOR API answered at {where}: check the URL, or try again later"


def joor_connection_problem(
    *, account: JoorAccount, max_retries: int, timeout: float | None = None
) -> str | None:
    """None when JOOR answers one cheap authenticated read (the first style for v2, the first product
    for v4); else one line naming no secret.

    Only a 401/403 (which only an allowed host can give, the client refusing every other) and a 429
    are told apart; everything else is `joor_unreachable_message`, and its cause goes to the log.
    """
    where = account.base_url
    try:
        with joor_client_for(account=account, max_retries=max_retries, timeout=timeout) as client:
            if account.api_generation == ApiGeneration.V4:
                next(iter(client.iter_products(page_size=1, limit=1)), None)
            else:
                next(iter(client.iter_style_pages(page_size=1)), None)
    except JoorAuthError as exc:
        return f"JOOR at {where} refused the credentials" + (f" (HTTP {exc.status})" if exc.status else "")
    except JoorRateLimited:
        return f"JOOR at {where} is rate limiting this account; try again later"
    except (JoorError, DestinationRefused) as exc:
        logger.info("JOOR check of shop %s failed: %s", account.shop_id, type(exc).__name__)
        return joor_unreachable_message(where)
    except ValueError as exc:  # a client that cannot even be built (no credentials)
        return f"The JOOR connection is incomplete ({type(exc).__name__})"
    return None


def _probe(account: JoorAccount) -> None:
    """One cheap authenticated read before anything is stored (one retry: a person is waiting)."""
    problem = joor_connection_problem(account=account, max_retries=CONNECT_PROBE_RETRIES)
    if problem is not None:
        raise JoorConnectionError(problem)


def joor_account_connect(
    *,
    shop: Shop,
    api_generation: str,
    base_url: str,
    auth_url: str = "",
    token: str = "",
    client_id: str = "",
    client_secret: str = "",
    username: str = "",
    password: str = "",
    account_id: str = "",
    verify: bool = True,
) -> JoorAccount:
    """Create or replace the shop's JOOR connection; settings of an existing account are kept.

    The credentials are checked with one real call before anything is stored (`verify`), so a typo
    never lands in the database. Credentials of the other API generation are cleared, so no stale
    secret lingers.
    """
    if api_generation not in ApiGeneration.values:
        raise JoorAccountInvalid(f"api_generation must be one of {', '.join(ApiGeneration.values)}")
    base_url = _check_url("base_url", base_url)
    creds = {"token": "", **dict.fromkeys(_V4_FIELDS, "")}
    if api_generation == ApiGeneration.V2:
        if not token.strip():
            raise JoorAccountInvalid("a JOOR v2 connection needs a token")
        creds["token"] = token.strip()
        auth_url = ""
    else:
        given = {
            "client_id": client_id,
            "client_secret": client_secret,
            "username": username,
            "password": password,
            "account_id": account_id,
        }
        missing = [name for name, value in given.items() if not value.strip()]
        if missing:
            raise JoorAccountInvalid(f"a JOOR v4 connection needs {', '.join(missing)}")
        creds.update({name: value.strip() for name, value in given.items()})
        auth_url = _check_url("auth_url", auth_url or settings.JOOR_AUTH_URL)

    if verify:
        # Probed outside the transaction: no row (or SQLite write) lock is held across a network call.
        probe = JoorAccount(
            shop=shop, api_generation=api_generation, base_url=base_url, auth_url=auth_url, **creds
        )
        _probe(probe)
    with transaction.atomic():
        account = JoorAccount.objects.select_for_update().filter(shop=shop).first() or JoorAccount(shop=shop)
        account.api_generation = api_generation
        account.base_url = base_url
        account.auth_url = auth_url
        for name, value in creds.items():
            setattr(account, name, value)
        account.save()
        shop_schedule_sync(account=account)
    logger.info("connected %s to JOOR %s at %s", shop.shop_domain, api_generation, base_url)
    return account


# -- settings -----------------------------------------------------------------------------------


def _clean_ownership(value: Any) -> dict[str, str]:
    if not isinstance(value, Mapping):
        raise JoorAccountInvalid("ownership must map field groups to owners")
    cleaned: dict[str, str] = {}
    for group, owner in value.items():
        if group not in FieldGroup._value2member_map_:
            raise JoorAccountInvalid(
                f"unknown field group {group!r} (one of {', '.join(g.value for g in FieldGroup)})"
            )
        if owner not in Ownership._value2member_map_:
            raise JoorAccountInvalid(
                f"unknown owner {owner!r} for {group} (one of {', '.join(o.value for o in Ownership)})"
            )
        cleaned[str(group)] = str(owner)
    return cleaned


def _clean_interval(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        try:
            value = int(str(value).strip())
        except ValueError:
            raise JoorAccountInvalid("sync_interval_minutes must be a whole number of minutes") from None
    if not 0 <= value <= MAX_SYNC_INTERVAL_MINUTES:
        raise JoorAccountInvalid(
            f"sync_interval_minutes must be between 0 (off) and {MAX_SYNC_INTERVAL_MINUTES}"
        )
    return value


def _clean_choice(name: str, value: Any, allowed: set[str] | list[str]) -> str:
    if value not in allowed:
        raise JoorAccountInvalid(f"{name} must be one of {', '.join(sorted(allowed)) or 'nothing'}")
    return str(value)


#: The marker of the location that receives JOOR's stock, in `location_warehouses`.
RECEIVES = "receives"


def _clean_warehouses(value: Any) -> dict[str, Any]:
    """Shopify location GID → JOOR warehouse name; the one location that receives JOOR's stock is
    stored as `{"warehouse": name, "receives": true}` (a plain name, the older shape, is any other
    mapped location), so a mapping saved before the marker existed reads the same."""
    if not isinstance(value, Mapping):
        raise JoorAccountInvalid("location_warehouses must map Shopify location ids to JOOR warehouses")
    cleaned: dict[str, Any] = {}
    names: list[str] = []
    receiving = 0
    for location, entry in value.items():
        if not isinstance(location, str) or not location.startswith("gid://shopify/Location/"):
            raise JoorAccountInvalid(f"{location!r} is not a Shopify location id (gid://shopify/Location/…)")
        receives = False
        warehouse = entry
        if isinstance(entry, Mapping):
            warehouse = entry.get("warehouse")
            receives = entry.get(RECEIVES) is True
        if not isinstance(warehouse, str) or not warehouse.strip() or len(warehouse) > 255:
            raise JoorAccountInvalid(f"the JOOR warehouse for {location} must be a non-empty name")
        names.append(warehouse.strip())
        receiving += receives
        cleaned[location] = (
            {"warehouse": warehouse.strip(), RECEIVES: True} if receives else warehouse.strip()
        )
    if len(set(names)) != len(names):
        raise JoorAccountInvalid("two Shopify locations cannot feed the same JOOR warehouse")
    if receiving > 1:
        raise JoorAccountInvalid("only one Shopify location can receive JOOR's stock")
    return cleaned


def location_warehouses_of(value: Any) -> tuple[dict[str, str], str | None]:
    """The stored `location_warehouses` read in either shape: (location GID → warehouse name, in the
    stored order; the location marked as receiving JOOR's stock, or None when none is marked)."""
    warehouses: dict[str, str] = {}
    receiving: str | None = None
    for location, entry in (value or {}).items() if isinstance(value, Mapping) else ():
        if isinstance(entry, Mapping):
            name = entry.get("warehouse")
            if entry.get(RECEIVES) is True:
                receiving = location
        else:
            name = entry
        if isinstance(name, str) and name.strip():
            warehouses[location] = name.strip()
    return warehouses, receiving if receiving in warehouses else None


def _clean_text(name: str, value: Any, max_length: int) -> str:
    if not isinstance(value, str) or len(value.strip()) > max_length:
        raise JoorAccountInvalid(f"{name} must be text of at most {max_length} characters")
    return value.strip()


def _clean_currency(value: Any) -> str:
    text = _clean_text("price_currency", value, 3).upper()
    if text and (len(text) != 3 or not text.isalpha()):
        raise JoorAccountInvalid("price_currency must be a 3-letter ISO currency code (or empty)")
    return text


def _clean_factor(value: Any) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        factor = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise JoorAccountInvalid("wholesale_factor must be a number such as 0.5 (or empty)") from None
    if not Decimal("0") < factor <= Decimal("10"):
        raise JoorAccountInvalid("wholesale_factor must be above 0 and at most 10")
    return factor.quantize(Decimal("0.001"))


def _clean_flag(name: str, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = "" if value is None else str(value).strip().lower()
    if text in _TRUE | _FALSE:
        return text in _TRUE
    raise JoorAccountInvalid(f"{name} must be on or off")


_CLEANERS: dict[str, Callable[[Any], Any]] = {
    "ownership": _clean_ownership,
    "direction": lambda v: _clean_choice("direction", v, set(Direction.values)),
    "sync_interval_minutes": _clean_interval,
    "price_label": lambda v: _clean_text("price_label", v, 50),
    "price_currency": _clean_currency,
    "price_field": lambda v: _clean_choice("price_field", v, _PRICE_FIELDS),
    "compare_at_field": lambda v: _clean_choice("compare_at_field", v, _PRICE_FIELDS | {""}),
    "location_warehouses": _clean_warehouses,
    "delete_policy": lambda v: _clean_choice("delete_policy", v, set(DeletePolicy.values)),
    "wholesale_factor": _clean_factor,
    "new_product_status": lambda v: _clean_choice("new_product_status", v, set(NewProductStatus.values)),
    "sync_shopify_drafts": lambda v: _clean_flag("sync_shopify_drafts", v),
}

#: The settings a merchant may change (credentials change only through `joor_account_connect`).
SETTINGS_FIELDS: tuple[str, ...] = tuple(_CLEANERS)


def _matching_state(account: JoorAccount) -> tuple[Any, ...]:
    return (
        *(getattr(account, name) for name in MATCHING_SETTINGS),
        sorted(joor_account_ownership(account=account).items()),
    )


def _request_full_sync(account: JoorAccount) -> SyncJob | None:
    """One full sync, so products left unmatched or uncreated under the old settings are looked at
    again; none for a shop that never synced (its first sync does it) or already waiting on one."""
    shop = account.shop
    if not shop_has_admin_access(shop=shop) or not ProductLink.objects.filter(shop=shop).exists():
        return None
    if sync_job_queued_exists(shop=shop, kind=SyncJob.Kind.FULL):
        return None
    return sync_job_request(shop=shop, kind=SyncJob.Kind.FULL, trigger=SyncJob.Trigger.MANUAL)


def joor_account_update_settings(*, account: JoorAccount, **changes: Any) -> JoorAccount:
    """Validate and store sync settings, then bring the shop's sync Schedule in line with them.

    `ownership` replaces the stored overrides as a whole (groups left out take their default).
    Nothing is saved unless every change is valid. A change to what decides creation or matching
    (`MATCHING_SETTINGS`, ownership) requests a full sync unless one is already queued.
    """
    unknown = sorted(set(changes) - set(_CLEANERS))
    if unknown:
        raise JoorAccountInvalid(f"unknown setting(s): {', '.join(unknown)}")
    cleaned = {name: _CLEANERS[name](value) for name, value in changes.items()}
    price_field = cleaned.get("price_field", account.price_field)
    compare_at = cleaned.get("compare_at_field", account.compare_at_field)
    if compare_at and compare_at == price_field:
        raise JoorAccountInvalid("compare_at_field must differ from price_field")
    with transaction.atomic():
        before = _matching_state(account)
        for name, value in cleaned.items():
            setattr(account, name, value)
        account.save(update_fields=[*cleaned, "updated_at"])
        shop_schedule_sync(account=account)
        if _matching_state(account) != before:
            _request_full_sync(account)
    return account
