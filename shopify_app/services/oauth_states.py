"""OAuth `state` nonces: created when an install starts, consumed exactly once by its callback."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.utils import timezone

from shopify_app.models import OAuthState

OAUTH_STATE_TTL = timedelta(minutes=10)


def oauth_state_create(*, shop_domain: str) -> str:
    """A fresh unguessable nonce bound to `shop_domain`; also prunes long-expired nonces."""
    nonce = secrets.token_urlsafe(32)
    OAuthState.objects.create(nonce=nonce, shop_domain=shop_domain)
    OAuthState.objects.filter(created_at__lt=timezone.now() - OAUTH_STATE_TTL * 6).delete()
    return nonce


def oauth_state_consume(*, nonce: str, shop_domain: str) -> bool:
    """Mark the nonce used; True only if it existed, was unused, unexpired and issued for this shop.

    A single conditional UPDATE does check and consume at once, so two callbacks racing with the same
    state cannot both succeed.
    """
    if not nonce:
        return False
    now = timezone.now()
    updated = OAuthState.objects.filter(
        nonce=nonce,
        shop_domain=shop_domain,
        used_at__isnull=True,
        created_at__gte=now - OAUTH_STATE_TTL,
    ).update(used_at=now)
    return updated == 1
