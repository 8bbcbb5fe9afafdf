"""POST /webhooks: signature on the raw body, de-duplication, queueing after commit, built-in handlers."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from django_q.conf import Conf

from shopify_app.models import BulkOperationFinish, OAuthState, Shop, WebhookDelivery
from shopify_app.oauth import TokenGrant
from shopify_app.selectors import bulk_operation_finish_get, bulk_operation_finish_wait
from shopify_app.services.tokens import shop_installed_store
from shopify_app.services.webhooks import webhook_process
from shopify_app.webhooks import (
    register_shop_erase_hook,
    register_uninstall_hook,
    register_webhook_handler,
    unregister_shop_erase_hook,
    unregister_uninstall_hook,
    unregister_webhook_handler,
)
from shopify_app.webhooks.registry import register_webhook_prefilter, unregister_webhook_prefilter
from shopify_app.webhooks.verify import webhook_signature
from tests.shopify_app.app_support import API_SECRET, SHOP, installed_shop, post_webhook, webhook_headers

pytestmark = pytest.mark.django_db

PRODUCT = {"id": 1, "title": "Wool coat", "admin_graphql_api_id": "gid://shopify/Product/1", "variants": []}


@pytest.fixture
def run_tasks_inline(monkeypatch):
    """django-q runs queued tasks in-process, whatever the broker."""
    monkeypatch.setattr(Conf, "SYNC", True)


@pytest.fixture
def product_handler():
    seen: list[WebhookDelivery] = []

    def handler(*, delivery: WebhookDelivery) -> None:
        seen.append(delivery)

    register_webhook_handler("products/update", handler)
    yield seen
    unregister_webhook_handler("products/update", handler)


def test_get_is_not_allowed(client):
    response = client.get("/webhooks")
    assert response.status_code == 405
    assert "POST" in response["Allow"]


def test_missing_signature_is_401(client):
    body = json.dumps(PRODUCT).encode()
    headers = webhook_headers(body, topic="products/update")
    del headers["X-Shopify-Hmac-Sha256"]
    response = client.post("/webhooks", data=body, content_type="application/json", headers=headers)
    assert response.status_code == 401
    assert not WebhookDelivery.objects.exists()


def test_bad_signature_is_401(client):
    response = post_webhook(client, PRODUCT, topic="products/update", secret="wrong-secret")
    assert response.status_code == 401
    assert not WebhookDelivery.objects.exists()


def test_signature_over_other_bytes_is_401(client):
    """The HMAC covers the raw body: the same JSON re-serialised differently does not verify."""
    body = json.dumps(PRODUCT).encode()
    headers = webhook_headers(body, topic="products/update")
    other = json.dumps(PRODUCT, indent=2).encode()
    assert (
        client.post("/webhooks", data=other, content_type="application/json", headers=headers).status_code
        == 401
    )


@pytest.mark.parametrize("topic", ["customers/data_request", "customers/redact", "shop/redact"])
def test_compliance_topics_answer_401_to_a_bad_signature(client, topic):
    assert post_webhook(client, {"shop_domain": SHOP}, topic=topic, secret="forged").status_code == 401


def test_previous_secret_is_accepted_during_rotation(client, settings, product_handler):
    settings.SHOPIFY_API_SECRET = "the-new-secret"
    settings.SHOPIFY_API_SECRET_PREVIOUS = API_SECRET
    assert post_webhook(client, PRODUCT, topic="products/update", secret=API_SECRET).status_code == 200
    assert post_webhook(client, PRODUCT, topic="products/update", secret="the-new-secret").status_code == 200
    settings.SHOPIFY_API_SECRET_PREVIOUS = ""
    assert post_webhook(client, PRODUCT, topic="products/update", secret=API_SECRET).status_code == 401
    assert WebhookDelivery.objects.count() == 2


def test_missing_headers_or_bad_json_are_400(client):
    body = b"{not json"
    headers = webhook_headers(body, topic="products/update")
    assert (
        client.post("/webhooks", data=body, content_type="application/json", headers=headers).status_code
        == 400
    )
    body = json.dumps(PRODUCT).encode()
    headers = {**webhook_headers(body, topic="products/update"), "X-Shopify-Shop-Domain": "evil.com"}
    assert (
        client.post("/webhooks", data=body, content_type="application/json", headers=headers).status_code
        == 400
    )


def test_delivery_is_recorded_and_queued_after_commit(
    client, product_handler, django_capture_on_commit_callbacks
):
    installed_shop()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = post_webhook(client, PRODUCT, topic="products/update", event_id="evt-1")
    assert response.status_code == 200
    assert len(callbacks) == 1
    delivery = WebhookDelivery.objects.get(event_id="evt-1")
    assert delivery.status == WebhookDelivery.Status.QUEUED
    assert delivery.topic == "products/update" and delivery.shop.shop_domain == SHOP
    assert delivery.api_version == "2026-07" and delivery.webhook_id
    assert delivery.triggered_at.isoformat().startswith("2026-11-22T10:00:00.123456")
    assert delivery.payload == PRODUCT
    assert product_handler == []  # nothing ran inside the request


def test_replayed_event_is_processed_once(
    client, product_handler, run_tasks_inline, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        first = post_webhook(client, PRODUCT, topic="products/update", event_id="evt-dup")
        second = post_webhook(client, PRODUCT, topic="products/update", event_id="evt-dup")
    assert (first.status_code, second.status_code) == (200, 200)
    assert len(callbacks) == 1
    assert WebhookDelivery.objects.filter(event_id="evt-dup").count() == 1
    assert len(product_handler) == 1
    assert WebhookDelivery.objects.get(event_id="evt-dup").status == WebhookDelivery.Status.PROCESSED


def test_unknown_topic_is_acknowledged_and_ignored(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = post_webhook(client, {"id": 5}, topic="orders/create", event_id="evt-unknown")
    assert response.status_code == 200
    assert callbacks == []
    delivery = WebhookDelivery.objects.get(event_id="evt-unknown")
    assert delivery.status == WebhookDelivery.Status.IGNORED and delivery.processed_at is not None


def test_processing_twice_runs_handlers_once(client, product_handler, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        post_webhook(client, PRODUCT, topic="products/update", event_id="evt-twice")
    delivery = WebhookDelivery.objects.get(event_id="evt-twice")
    webhook_process(delivery_id=delivery.pk)
    webhook_process(delivery_id=delivery.pk)
    assert len(product_handler) == 1


def test_failing_handler_marks_delivery_failed(client, django_capture_on_commit_callbacks, run_tasks_inline):
    def broken(*, delivery):
        raise RuntimeError("sync engine down")

    register_webhook_handler("inventory_levels/update", broken)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            post_webhook(
                client, {"inventory_item_id": 1}, topic="inventory_levels/update", event_id="evt-fail"
            )
    finally:
        unregister_webhook_handler("inventory_levels/update", broken)
    delivery = WebhookDelivery.objects.get(event_id="evt-fail")
    assert delivery.status == WebhookDelivery.Status.FAILED
    assert "RuntimeError: sync engine down" in delivery.error


PREFILTERED = "test/prefiltered"


@pytest.fixture
def prefiltered():
    """A topic with one handler and a prefilter whose answer the test sets (True: nothing to do)."""
    state = {"answer": True, "seen": [], "handled": []}

    def handler(*, delivery: WebhookDelivery) -> None:
        state["handled"].append(delivery.pk)

    def prefilter(*, delivery: WebhookDelivery) -> bool:
        state["seen"].append(delivery.pk)
        answer = state["answer"]
        if isinstance(answer, Exception):
            OAuthState.objects.create(shop_domain=SHOP, nonce="written-before-the-error")
            raise answer
        return answer

    register_webhook_handler(PREFILTERED, handler)
    register_webhook_prefilter(PREFILTERED, prefilter, handler=handler)
    yield state
    unregister_webhook_prefilter(PREFILTERED, prefilter, handler=handler)
    unregister_webhook_handler(PREFILTERED, handler)


def test_a_delivery_its_prefilter_settles_is_recorded_and_queues_no_task(
    client, prefiltered, django_capture_on_commit_callbacks
):
    installed_shop()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert post_webhook(client, PRODUCT, topic=PREFILTERED, event_id="evt-echo").status_code == 200
        assert post_webhook(client, PRODUCT, topic=PREFILTERED, event_id="evt-echo").status_code == 200
    assert callbacks == []
    delivery = WebhookDelivery.objects.get(event_id="evt-echo")
    assert delivery.status == WebhookDelivery.Status.HANDLED and delivery.processed_at is not None
    assert delivery.get_status_display() == "Handled at receipt"
    assert delivery.payload == PRODUCT and delivery.shop.shop_domain == SHOP
    assert prefiltered["seen"] == [delivery.pk]  # the replay was de-duplicated before it
    assert prefiltered["handled"] == []
    assert webhook_process(delivery_id=delivery.pk).status == WebhookDelivery.Status.HANDLED
    assert prefiltered["handled"] == []


@pytest.mark.parametrize("answer", [False, None, RuntimeError("prefilter bug")])
def test_a_prefilter_that_says_no_or_fails_leaves_the_delivery_to_its_task(
    client, prefiltered, answer, run_tasks_inline, django_capture_on_commit_callbacks
):
    prefiltered["answer"] = answer
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert post_webhook(client, PRODUCT, topic=PREFILTERED, event_id="evt-edit").status_code == 200
    delivery = WebhookDelivery.objects.get(event_id="evt-edit")
    assert len(callbacks) == 1 and prefiltered["handled"] == [delivery.pk]
    assert delivery.status == WebhookDelivery.Status.PROCESSED
    assert not OAuthState.objects.exists()  # what a failing prefilter wrote is rolled back


def test_a_delivery_is_settled_at_receipt_only_for_every_handler(
    client, prefiltered, django_capture_on_commit_callbacks
):
    def other(*, delivery: WebhookDelivery) -> None: ...

    register_webhook_handler(PREFILTERED, other)
    try:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            post_webhook(client, PRODUCT, topic=PREFILTERED, event_id="evt-two-handlers")
    finally:
        unregister_webhook_handler(PREFILTERED, other)
    assert len(callbacks) == 1
    assert WebhookDelivery.objects.get(event_id="evt-two-handlers").status == WebhookDelivery.Status.QUEUED


def test_app_uninstalled_deletes_tokens_and_calls_hooks(
    client, run_tasks_inline, django_capture_on_commit_callbacks
):
    shop = installed_shop()
    called: list[str] = []

    def hook(*, shop: Shop) -> None:
        called.append(shop.shop_domain)

    register_uninstall_hook(hook)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            assert post_webhook(client, {"id": 1, "domain": SHOP}, topic="app/uninstalled").status_code == 200
    finally:
        unregister_uninstall_hook(hook)
    shop.refresh_from_db()
    assert shop.access_token == "" and shop.refresh_token == ""
    assert shop.access_token_expires_at is None and shop.uninstalled_at is not None
    assert not shop.is_installed
    assert called == [SHOP]
    with connection.cursor() as cursor:
        cursor.execute("SELECT access_token, refresh_token FROM shopify_app_shop WHERE id = %s", [shop.pk])
        assert cursor.fetchone() == ("", "")


def test_app_scopes_update_records_granted_scopes(
    client, run_tasks_inline, django_capture_on_commit_callbacks
):
    shop = installed_shop()
    payload = {"id": 1, "previous": ["read_products"], "current": ["read_products", "write_inventory"]}
    with django_capture_on_commit_callbacks(execute=True):
        post_webhook(client, payload, topic="app/scopes_update")
    shop.refresh_from_db()
    assert shop.scope_list == ["read_products", "write_inventory"]


def test_bulk_operations_finish_is_recorded_for_the_waiting_runner(
    client, run_tasks_inline, django_capture_on_commit_callbacks
):
    installed_shop()
    gid = "gid://shopify/BulkOperation/77"
    assert bulk_operation_finish_get(shop_domain=SHOP, operation_gid=gid) is None
    payload = {
        "admin_graphql_api_id": gid,
        "completed_at": "2026-11-22T10:05:00-05:00",
        "created_at": "2026-11-22T10:00:00-05:00",
        "error_code": None,
        "status": "completed",
        "type": "query",
    }
    with django_capture_on_commit_callbacks(execute=True):
        post_webhook(client, payload, topic="bulk_operations/finish")
    finish = bulk_operation_finish_get(shop_domain=SHOP, operation_gid=gid)
    assert finish is not None
    assert (finish.status, finish.operation_type, finish.error_code) == ("COMPLETED", "QUERY", "")
    assert finish.completed_at.isoformat() == "2026-11-22T15:05:00+00:00"


@pytest.mark.parametrize("topic", ["customers/data_request", "customers/redact"])
def test_customer_compliance_requests_are_acknowledged_without_keeping_pii(
    client, topic, run_tasks_inline, django_capture_on_commit_callbacks
):
    installed_shop()
    payload = {
        "shop_id": 954889,
        "shop_domain": SHOP,
        "orders_requested": [299938],
        "orders_to_redact": [299938],
        "customer": {"id": 191167, "email": "john@example.com", "phone": "555-625-1199"},
        "data_request": {"id": 9999},
    }
    with django_capture_on_commit_callbacks(execute=True):
        assert post_webhook(client, payload, topic=topic, event_id=f"evt-{topic}").status_code == 200
    delivery = WebhookDelivery.objects.get(event_id=f"evt-{topic}")
    assert delivery.status == WebhookDelivery.Status.PROCESSED
    assert delivery.payload["customer_id"] == 191167
    stored = json.dumps(delivery.payload)
    assert "john@example.com" not in stored and "555-625-1199" not in stored


def test_shop_redact_erases_every_row_of_an_uninstalled_shop(
    client, run_tasks_inline, django_capture_on_commit_callbacks
):
    shop = installed_shop()
    other = installed_shop(shop="other.myshopify.com")
    erased: list[str] = []

    def erase_hook(*, shop: Shop) -> None:
        erased.append(shop.shop_domain)

    BulkOperationFinish.objects.create(
        shop=shop, operation_gid="gid://shopify/BulkOperation/1", status="COMPLETED"
    )
    OAuthState.objects.create(nonce="n1", shop_domain=SHOP)
    with django_capture_on_commit_callbacks(execute=False):
        post_webhook(client, PRODUCT, topic="orders/create", event_id="evt-old")
        post_webhook(client, PRODUCT, topic="orders/create", event_id="evt-other", shop="other.myshopify.com")
    with django_capture_on_commit_callbacks(execute=True):
        post_webhook(client, {"id": 1, "domain": SHOP}, topic="app/uninstalled", event_id="evt-u")
    register_shop_erase_hook(erase_hook)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            response = post_webhook(
                client, {"shop_id": 1, "shop_domain": SHOP}, topic="shop/redact", event_id="evt-r"
            )
    finally:
        unregister_shop_erase_hook(erase_hook)
    assert response.status_code == 200
    assert erased == [SHOP]
    assert not Shop.objects.filter(shop_domain=SHOP).exists()
    assert not BulkOperationFinish.objects.exists()
    assert not OAuthState.objects.exists()
    assert list(WebhookDelivery.objects.filter(shop_domain=SHOP).values_list("event_id", flat=True)) == [
        "evt-r"
    ]
    redact = WebhookDelivery.objects.get(event_id="evt-r")
    assert redact.shop is None and redact.status == WebhookDelivery.Status.PROCESSED
    # Other shops are untouched.
    assert Shop.objects.filter(pk=other.pk).exists()
    assert WebhookDelivery.objects.filter(event_id="evt-other").exists()


@pytest.mark.parametrize("installed_at", ["oauth", "static token"])
def test_shop_redact_for_a_shop_still_installed_keeps_every_row(
    client, run_tasks_inline, django_capture_on_commit_callbacks, caplog, installed_at
):
    shop = installed_shop()
    if installed_at == "static token":  # connected by an operator: no install time, still live
        Shop.objects.filter(pk=shop.pk).update(installed_at=None)
    erased: list[str] = []

    def erase_hook(*, shop: Shop) -> None:
        erased.append(shop.shop_domain)

    BulkOperationFinish.objects.create(
        shop=shop, operation_gid="gid://shopify/BulkOperation/1", status="COMPLETED"
    )
    OAuthState.objects.create(nonce="n1", shop_domain=SHOP)
    with django_capture_on_commit_callbacks(execute=False):
        post_webhook(client, PRODUCT, topic="orders/create", event_id="evt-old")
    register_shop_erase_hook(erase_hook)
    try:
        with django_capture_on_commit_callbacks(execute=True), caplog.at_level("WARNING"):
            response = post_webhook(
                client, {"shop_id": 1, "shop_domain": SHOP}, topic="shop/redact", event_id="evt-r"
            )
    finally:
        unregister_shop_erase_hook(erase_hook)
    assert response.status_code == 200
    assert erased == []
    shop.refresh_from_db()
    assert shop.access_token == "shpat_current" and shop.uninstalled_at is None
    assert BulkOperationFinish.objects.filter(shop=shop).count() == 1
    assert OAuthState.objects.filter(shop_domain=SHOP).count() == 1
    assert set(WebhookDelivery.objects.filter(shop=shop).values_list("event_id", flat=True)) == {
        "evt-old",
        "evt-r",
    }
    assert WebhookDelivery.objects.get(event_id="evt-r").status == WebhookDelivery.Status.PROCESSED
    assert any(
        r.levelname == "WARNING" and "shop/redact" in r.getMessage() and "still installed" in r.getMessage()
        for r in caplog.records
    )


def test_shop_redact_after_a_reinstall_keeps_the_shop(
    client, run_tasks_inline, django_capture_on_commit_callbacks
):
    installed_shop()
    with django_capture_on_commit_callbacks(execute=True):
        post_webhook(client, {"id": 1, "domain": SHOP}, topic="app/uninstalled", event_id="evt-u")
    shop_installed_store(shop_domain=SHOP, grant=TokenGrant(access_token="shpat_again", scope=""))  # noqa: S106
    with django_capture_on_commit_callbacks(execute=True):
        post_webhook(client, {"shop_id": 1, "shop_domain": SHOP}, topic="shop/redact", event_id="evt-r")
    assert Shop.objects.get(shop_domain=SHOP).access_token == "shpat_again"
    assert WebhookDelivery.objects.filter(shop_domain=SHOP, event_id="evt-u").exists()


def test_signature_is_base64_of_hmac_sha256():
    assert webhook_signature(body=b"{}", secret="secret") == "dzJZAsrKgS3CWXM6rNBGtzgXNyx3e42VtAJkdHRRbhM="


def test_failed_enqueue_still_answers_200_and_requeue_recovers(
    client, product_handler, monkeypatch, django_capture_on_commit_callbacks
):
    import shopify_app.services.webhooks as service

    def broker_down(*args, **kwargs):
        raise ConnectionError("broker unreachable")

    monkeypatch.setattr(service, "async_task", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        assert post_webhook(client, PRODUCT, topic="products/update", event_id="evt-lost").status_code == 200
    delivery = WebhookDelivery.objects.get(event_id="evt-lost")
    assert delivery.status == WebhookDelivery.Status.QUEUED and product_handler == []

    monkeypatch.undo()
    monkeypatch.setattr(Conf, "SYNC", True)
    assert service.webhook_deliveries_requeue(older_than=timedelta(minutes=10)) == 0  # too recent
    WebhookDelivery.objects.filter(pk=delivery.pk).update(received_at=timezone.now() - timedelta(minutes=11))
    assert service.webhook_deliveries_requeue(older_than=timedelta(minutes=10)) == 1
    assert len(product_handler) == 1
    assert WebhookDelivery.objects.get(pk=delivery.pk).status == WebhookDelivery.Status.PROCESSED


def test_bulk_finish_wait_returns_once_the_webhook_is_recorded():
    shop = installed_shop()
    gid = "gid://shopify/BulkOperation/9"
    now = [0.0]
    sleeps: list[float] = []

    def sleep(seconds: float) -> None:  # the webhook lands while the runner sleeps
        sleeps.append(seconds)
        now[0] += seconds
        if len(sleeps) == 3:
            BulkOperationFinish.objects.create(shop=shop, operation_gid=gid, status="COMPLETED")

    finish = bulk_operation_finish_wait(
        shop_domain=SHOP, operation_gid=gid, timeout=60, poll_interval=2, sleep=sleep, clock=lambda: now[0]
    )
    assert finish is not None and finish.status == "COMPLETED" and sleeps == [2, 2, 2]
    missing = bulk_operation_finish_wait(
        shop_domain=SHOP,
        operation_gid="gid://shopify/BulkOperation/10",
        timeout=5,
        poll_interval=2,
        sleep=sleep,
        clock=lambda: now[0],
    )
    assert missing is None and sleeps[3:] == [2, 2, 1]


def test_payload_larger_than_djangos_form_limit_is_accepted(client, settings, product_handler):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    big = {**PRODUCT, "body_html": "x" * 5000}
    assert post_webhook(client, big, topic="products/update", event_id="evt-big").status_code == 200
    assert WebhookDelivery.objects.get(event_id="evt-big").payload["body_html"] == "x" * 5000


def test_payload_over_the_webhook_cap_is_413(client, monkeypatch):
    monkeypatch.setattr("shopify_app.views.webhooks.WEBHOOK_MAX_BODY", 100)
    big = {**PRODUCT, "body_html": "x" * 500}
    assert post_webhook(client, big, topic="products/update").status_code == 413
    assert not WebhookDelivery.objects.exists()
