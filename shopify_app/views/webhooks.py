"""`POST /webhooks`: one endpoint for every topic, compliance ones included."""

from __future__ import annotations

import logging
import re

from django.db.models import Field
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from shopify_app.domains import shop_domain_clean
from shopify_app.models import WebhookDelivery
from shopify_app.services.webhooks import webhook_receive
from shopify_app.webhooks.payload import MalformedPayload, webhook_payload
from shopify_app.webhooks.verify import webhook_signature_valid

logger = logging.getLogger(__name__)

# Shopify's product payloads can outgrow Django's 2.5 MB DATA_UPLOAD_MAX_MEMORY_SIZE (many variants, long
# descriptions); refusing one would make Shopify retry it for hours and then drop it.
WEBHOOK_MAX_BODY = 16 * 1024 * 1024

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _raw_body(request: HttpRequest) -> bytes | None:
    """The request body exactly as sent (the HMAC covers these bytes), or None when over the cap."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return None
    if length > WEBHOOK_MAX_BODY:
        return None
    return request.read(length) if length else b""


def _header(request: HttpRequest, *names: str, field: str) -> str | None:
    """The first of `names` present, stripped; None when it has control characters or is longer than
    its column. The HMAC does not cover headers, and PostgreSQL answers an over-long value or a NUL
    with an error, not a truncation."""
    value = next((v for v in (request.headers.get(n, "") for n in names) if v), "").strip()
    column = WebhookDelivery._meta.get_field(field)
    limit = column.max_length if isinstance(column, Field) else None
    too_long = limit is not None and len(value) > limit
    return None if too_long or _CONTROL.search(value) else value


@csrf_exempt  # authenticated by the body's HMAC, not by a browser session
@require_POST
def webhooks(request: HttpRequest) -> HttpResponse:
    """Verify the HMAC of the raw body, record the delivery once, answer at once; work runs in a task."""
    body = _raw_body(request)
    if body is None:
        return HttpResponse("payload too large", status=413, content_type="text/plain")
    if not webhook_signature_valid(body=body, signature=request.headers.get("X-Shopify-Hmac-Sha256")):
        return HttpResponse("invalid signature", status=401, content_type="text/plain")
    topic = _header(request, "X-Shopify-Topic", field="topic")
    shop_domain = shop_domain_clean(request.headers.get("X-Shopify-Shop-Domain"))
    event_id = _header(request, "X-Shopify-Event-Id", "X-Shopify-Webhook-Id", field="event_id")
    webhook_id = _header(request, "X-Shopify-Webhook-Id", field="webhook_id")
    api_version = _header(request, "X-Shopify-API-Version", field="api_version")
    if not topic or shop_domain is None or not event_id or webhook_id is None or api_version is None:
        return HttpResponse("missing or invalid webhook headers", status=400, content_type="text/plain")
    try:
        payload = webhook_payload(body)
    except MalformedPayload as exc:
        # Signed but unusable: refused before anything is recorded, with the reason and no traceback.
        logger.warning("webhook event %s (%s) from %s refused: %s", event_id, topic, shop_domain, exc)
        return HttpResponse(f"malformed body: {exc}", status=400, content_type="text/plain")
    receipt = webhook_receive(
        topic=topic,
        shop_domain=shop_domain,
        event_id=event_id,
        payload=payload,
        webhook_id=webhook_id,
        api_version=api_version,
        triggered_at=request.headers.get("X-Shopify-Triggered-At", ""),
    )
    if not receipt.created:
        logger.info("webhook event %s replayed; already recorded", event_id)
    return HttpResponse(status=200)
