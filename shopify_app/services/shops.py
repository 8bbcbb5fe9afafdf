"""Shop lifecycle after install: static-token connect, scope changes, uninstall, GDPR erase."""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

import httpx
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from shopify_app.admin.errors import ShopifyAuthError, ShopifyError
from shopify_app.domains import shop_domain_validate
from shopify_app.models import OAuthState, Shop, WebhookDelivery
from shopify_app.oauth import TokenGrant
from shopify_app.services.tokens import shop_admin_client, shop_installed_store
from shopify_app.services.webhook_subscriptions import shop_webhooks_register
from shopify_app.webhooks.registry import shop_erase_hooks, uninstall_hooks

logger = logging.getLogger(__name__)

# shop_connect is run by a person waiting at a terminal: fail within a second or two, not a minute.
CONNECT_PROBE_RETRIES = 1


class ShopConnectError(Exception):
    """A static token could not be verified; the message is one line and holds no secret."""


class ShopHookError(Exception):
    """One or more registered hooks failed; the main change itself was committed."""


def shop_connect(
    *,
    shop_domain: str,
    access_token: str,
    admin_base_url: str = "",
    register_webhooks: bool = True,
    transport: httpx.BaseTransport | None = None,
) -> Shop:
    """Register a shop with a static admin token (custom apps, operators, tests).

    The token is proven by a `shop` query before anything is stored, so a typo never lands in the DB.
    """
    shop_domain = shop_domain_validate(shop_domain)
    admin_base_url = admin_base_url.rstrip("/")
    parts = urlsplit(admin_base_url)
    if admin_base_url and (
        parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.username
    ):
        raise ShopConnectError("--admin-url must be a plain http(s)://host[:port] base URL")
    probe = Shop(
        shop_domain=shop_domain,
        access_token=access_token,
        admin_base_url=admin_base_url,
        api_version=settings.SHOPIFY_API_VERSION,
    )
    try:
        with shop_admin_client(shop=probe, transport=transport, max_retries=CONNECT_PROBE_RETRIES) as client:
            client.shop()
    except ShopifyAuthError as exc:
        raise ShopConnectError(f"{shop_domain}: the admin API refused the token") from exc
    except ShopifyError as exc:
        raise ShopConnectError(
            f"{shop_domain}: the admin API is unreachable or failing ({type(exc).__name__})"
        ) from exc
    shop = shop_installed_store(
        shop_domain=shop_domain,
        grant=TokenGrant(access_token=access_token, scope=""),
        admin_base_override=admin_base_url,
    )
    if register_webhooks:
        try:
            shop_webhooks_register(shop=shop, transport=transport)
        except ShopifyError as exc:
            raise ShopConnectError(
                f"{shop_domain}: webhook registration failed ({type(exc).__name__})"
            ) from exc
    return shop


def shop_scopes_update(*, shop_domain: str, scopes: list[str]) -> int:
    """Record the scopes the merchant granted now; returns the number of shops updated (0 or 1)."""
    cleaned = ",".join(s.strip() for s in scopes if isinstance(s, str) and s.strip())
    return Shop.objects.filter(shop_domain=shop_domain).update(scopes=cleaned, updated_at=timezone.now())


def _run_hooks(hooks: tuple, shop: Shop, what: str) -> list[str]:
    failures = []
    for hook in hooks:
        try:
            hook(shop=shop)
        except Exception as exc:  # one failing extension must not stop the others
            logger.exception("%s hook %r failed for %s", what, hook, shop.shop_domain)
            failures.append(f"{getattr(hook, '__qualname__', hook)}: {type(exc).__name__}")
    return failures


def shop_uninstall(*, shop_domain: str) -> Shop | None:
    """Mark the shop uninstalled, forget its tokens, then run the uninstall hooks.

    The token wipe commits first: a failing hook must never leave usable credentials behind.
    """
    now = timezone.now()
    with transaction.atomic():
        shop = Shop.objects.select_for_update().filter(shop_domain=shop_domain).first()
        if shop is None:
            return None
        shop.uninstalled_at = now
        shop.access_token = ""
        shop.access_token_expires_at = None
        shop.refresh_token = ""
        shop.refresh_token_expires_at = None
        shop.save()
    logger.info("uninstalled %s", shop_domain)
    failures = _run_hooks(uninstall_hooks(), shop, "uninstall")
    if failures:
        raise ShopHookError("; ".join(failures))
    return shop


def shop_erase_if_uninstalled(*, shop_domain: str, delivery_id: int) -> bool:
    """Answer `shop/redact`: erase the shop only if it is uninstalled; returns whether it erased.

    Shopify sends it 48 hours after an uninstall. A shop that still holds a token and is not marked
    uninstalled (reinstalled in the meantime, or a stray request) keeps every row: erasing a live shop
    would stop its sync and lose its links and history. The delivery row records that it came.
    """
    with transaction.atomic():
        shop = Shop.objects.select_for_update().filter(shop_domain=shop_domain).first()
        if shop is not None and shop.uninstalled_at is None and shop.access_token:
            logger.warning(
                "shop/redact for %s ignored: the shop is still installed (delivery %s)",
                shop_domain,
                delivery_id,
            )
            return False
        shop_erase(shop_domain=shop_domain, keep_delivery_id=delivery_id)
    return True


def shop_erase(*, shop_domain: str, keep_delivery_id: int | None = None) -> bool:
    """Delete every row about the shop (`shop/redact`): other apps' data via erase hooks, ours by cascade.

    `keep_delivery_id` is the redact webhook itself: it is detached from the shop and kept, stripped to
    ids, as the record that the erase happened. Returns whether a Shop row existed.
    """
    with transaction.atomic():
        shop = Shop.objects.select_for_update().filter(shop_domain=shop_domain).first()
        if keep_delivery_id is not None:
            WebhookDelivery.objects.filter(pk=keep_delivery_id).update(shop=None)
        if shop is not None:
            failures = _run_hooks(shop_erase_hooks(), shop, "erase")
            if failures:
                # Roll everything back: a half-erased shop is worse than a retried erase.
                raise ShopHookError("; ".join(failures))
            shop.delete()
        deliveries = WebhookDelivery.objects.filter(shop_domain=shop_domain)
        if keep_delivery_id is not None:
            deliveries = deliveries.exclude(pk=keep_delivery_id)
        deliveries.delete()
        OAuthState.objects.filter(shop_domain=shop_domain).delete()
    logger.info("erased all data of %s", shop_domain)
    return shop is not None
