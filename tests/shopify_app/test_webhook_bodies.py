"""POST /webhooks with correctly signed bodies that are not one recordable JSON object: each is a 400
with nothing recorded, nothing queued and no traceback logged; duplicate keys are accepted."""

from __future__ import annotations

import logging

import pytest

from shopify_app.models import WebhookDelivery
from shopify_app.webhooks.payload import MAX_DEPTH
from tests.shopify_app.app_support import webhook_headers

pytestmark = pytest.mark.django_db

MALFORMED = {
    "nan": b'{"id": 1, "price": NaN}',
    "infinity": b'{"id": 1, "price": Infinity}',
    "minus_infinity": b'{"id": 1, "price": -Infinity}',
    "overflowing_float": b'{"id": 1, "price": 1e999}',
    "deep_lists": b'{"a": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
    "deep_objects": b'{"a": ' + b'{"a": ' * 100_000 + b"1" + b"}" * 100_000 + b"}",
    "just_over_the_depth_cap": b'{"a": ' + b"[" * MAX_DEPTH + b"]" * MAX_DEPTH + b"}",
    "invalid_utf8": b'{"title": "caf\xe9"}',
    "utf16": '{"id": 1}'.encode("utf-16"),
    "utf8_bom": b'\xef\xbb\xbf{"id": 1}',
    "lone_surrogate": b'{"title": "\\ud800"}',
    "lone_surrogate_key": b'{"\\udc00": 1}',
    "nul_escape": b'{"title": "a\\u0000b"}',
    "raw_control_character": b'{"title": "a\x1bb"}',
    "top_level_list": b"[1, 2]",
    "top_level_string": b'"products"',
    "top_level_number": b"42",
    "top_level_null": b"null",
    "empty": b"",
    "truncated": b'{"id": 1, "title": "Wool',
    "trailing_garbage": b'{"id": 1} {"id": 2}',
    "huge_integer": b'{"id": ' + b"9" * 5000 + b"}",
}


def post_signed(client, body: bytes, **headers: str):
    return client.post(
        "/webhooks",
        data=body,
        content_type="application/json",
        headers={**webhook_headers(body, topic="products/update"), **headers},
    )


@pytest.mark.parametrize("body", MALFORMED.values(), ids=MALFORMED.keys())
def test_a_signed_malformed_body_is_400_with_nothing_recorded(
    client, caplog, django_capture_on_commit_callbacks, body
):
    with caplog.at_level(logging.INFO), django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = post_signed(client, body)
    assert response.status_code == 400
    assert response.content.startswith(b"malformed body: ")
    assert not WebhookDelivery.objects.exists()
    assert callbacks == []
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]
    assert [r.getMessage() for r in caplog.records if "refused" in r.getMessage()]


def test_a_body_at_the_depth_cap_is_recorded(client):
    depth = MAX_DEPTH - 1  # the object itself is the first level
    body = b'{"a": ' + b"[" * depth + b"]" * depth + b"}"
    assert post_signed(client, body).status_code == 200
    assert WebhookDelivery.objects.count() == 1


def test_a_key_given_twice_keeps_its_last_value(client):
    body = b'{"id": 1, "title": "first", "title": "second"}'
    assert post_signed(client, body).status_code == 200
    assert WebhookDelivery.objects.get().payload == {"id": 1, "title": "second"}


def test_escaped_characters_that_a_database_keeps_are_recorded(client):
    body = b'{"title": "caf\\u00e9 \\ud83d\\udc4d \\t\\u001b", "price": -1.5e3}'
    assert post_signed(client, body).status_code == 200
    assert WebhookDelivery.objects.get().payload == {"title": "café 👍 \t\x1b", "price": -1500.0}


@pytest.mark.parametrize(
    ("header", "value"),
    [
        ("X-Shopify-Topic", "products/" + "u" * 100),
        ("X-Shopify-Event-Id", "e" * 256),
        ("X-Shopify-Webhook-Id", "w" * 256),
        ("X-Shopify-API-Version", "2026-07" * 3),
        ("X-Shopify-Event-Id", "evt\x00nul"),
    ],
)
def test_headers_a_column_cannot_hold_are_400(client, header, value):
    response = post_signed(client, b'{"id": 1}', **{header: value})
    assert response.status_code == 400
    assert not WebhookDelivery.objects.exists()
