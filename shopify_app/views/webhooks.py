"""`POST /webhooks`: one endpoint for every topic, compliance ones included."""

from __future__ import annotations

import json
import logging

from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from shopify_app.domains import shop_domain_clean
from shopify_app.services.webhooks import webhook_receive
from shopify_app.webhooks.verify import webhook_signature_valid

logger = logging.getLogger(__name__)

# Shopify's product payloads can outgrow Django's 2.5 MB DATA_UPLOAD_MAX_MEMORY_SIZE (many variants, long
# descriptions); refusing one would make Shopify retry it for hours and then drop it.
WEBHOOK_MAX_BODY = 16 * 1024 * 1024


def _raw_body(request: HttpRequest) -> bytes | None:
    """The request body exactly as sent (the HMAC covers these bytes), or None when over the cap."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return None
    if length > WEBHOOK_MAX_BODY:
        return None
    return request.read(length) if length else b""


@csrf_exempt  # authenticated by the body's HMAC, not by a browser session
@require_POST
def webhooks(request: HttpRequest) -> HttpResponse:
    """Verify the HMAC of the raw body, record the delivery once, answer at once; work runs in a task."""
    body = _raw_body(request)
    if body is None:
        return HttpResponse("payload too large", status=413, content_type="text/plain")
    if not webhook_signature_valid(body=body, signature=request.headers.get("X-Shopify-Hmac-Sha256")):
        return HttpResponse("invalid signature", status=401, content_type="text/plain")
    topic = request.headers.get("X-Shopify-Topic", "").strip()
    shop_domain = shop_domain_clean(request.headers.get("X-Shopify-Shop-Domain"))
    event_id = request.headers.get("X-Shopify-Event-Id") or request.headers.get("X-Shopify-Webhook-Id")
    if not topic or shop_domain is None or not event_id:
        return HttpResponse("missing or invalid webhook headers", status=400, content_type="text/plain")
    try:
        payload = json.loads(body) if body else {}
    except ValueError:
        return HttpResponse("body is not JSON", status=400, content_type="text/plain")
    receipt = webhook_receive(
        topic=topic,
        shop_domain=shop_domain,
        event_id=event_id,
        payload=payload,
        webhook_id=request.headers.get("X-Shopify-Webhook-Id", ""),
        api_version=request.headers.get("X-Shopify-API-Version", ""),
        triggered_at=request.headers.get("X-Shopify-Triggered-At", ""),
    )
    if not receipt.created:
        logger.info("webhook event %s replayed; already recorded", event_id)
    return HttpResponse(status=200)
