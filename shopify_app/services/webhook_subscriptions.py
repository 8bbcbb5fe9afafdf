"""Webhook subscriptions the app keeps on every installed shop."""

from __future__ import annotations

import logging

import httpx
from django.conf import settings
from django.db import transaction
from django_q.tasks import async_task

from shopify_app import oauth
from shopify_app.admin.errors import ShopifyError
from shopify_app.admin.types import WebhookSubscriptionResult
from shopify_app.models import Shop
from shopify_app.services.tokens import shop_admin_client
from shopify_app.webhooks.topics import SUBSCRIBED_TOPICS

logger = logging.getLogger(__name__)

# Shopify's userError when the same topic already points at the same address: already done.
_ALREADY_SUBSCRIBED = "already been taken"


class WebhookRegistrationError(Exception):
    """Shopify refused a subscription for a reason other than it already existing."""


def webhook_callback_url() -> str:
    return f"{settings.SHOPIFY_APP_URL}/webhooks"


def _user_error_messages(result: WebhookSubscriptionResult) -> list[str]:
    return [error.message for error in result.user_errors]


def shop_webhooks_register(*, shop: Shop, transport: httpx.BaseTransport | None = None) -> list[str]:
    """Subscribe `shop` to every topic in SUBSCRIBED_TOPICS that is not yet subscribed; returns those created.

    Existing subscriptions are listed first, so re-running creates nothing; a create racing another
    (Shopify's "already been taken" for the same topic and address) counts as done.
    """
    uri = webhook_callback_url()
    created: list[str] = []
    with shop_admin_client(shop=shop, transport=transport) as client:
        existing = {(s.topic, s.uri) for s in client.webhook_subscriptions(topics=list(SUBSCRIBED_TOPICS))}
        for topic in SUBSCRIBED_TOPICS:
            if (topic, uri) in existing:
                continue
            messages = _user_error_messages(client.webhook_subscription_create(topic=topic, uri=uri))
            if not messages:
                created.append(topic)
            elif not all(_ALREADY_SUBSCRIBED in m.lower() for m in messages):
                raise WebhookRegistrationError(f"{shop.shop_domain} {topic}: {'; '.join(messages)}")
    logger.info("webhooks for %s: %d new of %d", shop.shop_domain, len(created), len(SUBSCRIBED_TOPICS))
    return created


def shop_webhooks_register_or_defer(*, shop: Shop, transport: httpx.BaseTransport | None = None) -> bool:
    """Register now; if Shopify is unreachable or refuses, queue a retry instead of failing the install."""
    try:
        shop_webhooks_register(shop=shop, transport=transport)
        return True
    except (ShopifyError, oauth.OAuthError, WebhookRegistrationError) as exc:
        logger.warning("webhook registration for %s deferred: %s", shop.shop_domain, exc)
    shop_id = shop.pk

    def enqueue() -> None:
        try:
            async_task("shopify_app.tasks.shop_webhooks_register", shop_id)
        except Exception:  # the install itself succeeded; an operator can run shop_connect or re-open the app
            logger.exception("could not queue webhook registration for shop %s", shop_id)

    transaction.on_commit(enqueue)
    return False
