"""The demo's setup steps, each a plain function so it can be tested against loopback sandboxes.

Order (see the `demo` command): install the shop through the real OAuth flow, clear its sync state
(the sandboxes are in-memory, so what an earlier run synced is gone), connect JOOR, run the first
sync, make a couple of conflicts by editing both sandboxes, and make a staff login.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import urlencode, urljoin, urlsplit

import httpx
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from joorsync.core.demo.processes import DemoError
from joorsync.joor.sandbox.defaults import DEFAULT_TOKEN
from joorsync.orders.models import ImportedOrder, OrderPull, RetailerLink
from joorsync.sync.accounts import joor_account_connect, joor_account_update_settings
from joorsync.sync.jobs import sync_job_request
from joorsync.sync.models import ApiGeneration, Conflict, JoorAccount, ProductLink, SyncEvent, SyncJob
from shopify_app.models import Shop, WebhookDelivery

DEMO_SHOP = "demo.myshopify.com"
DEMO_ADMIN_USERNAME = "admin"
HTTP_TIMEOUT = 15.0
MAX_REDIRECTS = 6
ACTIVE = (SyncJob.Status.QUEUED, SyncJob.Status.RUNNING)
ENDED = (SyncJob.Status.SUCCEEDED, SyncJob.Status.FAILED, SyncJob.Status.CANCELLED)

Say = Callable[[str], None]


def _quiet(message: str) -> None:
    return None


@dataclass(frozen=True)
class DemoConflict:
    """One conflict the demo made: which pair, and the two values it wrote."""

    link_id: int
    joor_style_id: int
    shopify_product_id: str
    joor_title: str
    shopify_title: str


# -- install --------------------------------------------------------------------------------------


def demo_install_shop(*, app_url: str, shop_domain: str = DEMO_SHOP, timeout: float = HTTP_TIMEOUT) -> Shop:
    """Install the shop as a merchant would: the app's `/auth`, the (sandbox) authorize page, the
    app's callback. The app itself exchanges the code and registers webhooks; this only plays the
    browser (following redirects with cookies) and checks the outcome."""
    started = timezone.now()
    url = f"{app_url.rstrip('/')}/auth?{urlencode({'shop': shop_domain})}"
    with httpx.Client(timeout=timeout, follow_redirects=False) as browser:
        for _ in range(MAX_REDIRECTS):
            response = browser.get(url)
            if urlsplit(str(response.url)).path == "/auth/callback":
                if response.status_code != 302:
                    raise DemoError(f"the app refused the install callback (HTTP {response.status_code})")
                break
            location = response.headers.get("location")
            if not response.is_redirect or not location:
                raise DemoError(f"the install stopped at {response.url} (HTTP {response.status_code})")
            url = urljoin(str(response.url), location)
        else:
            raise DemoError(f"the install did not reach /auth/callback within {MAX_REDIRECTS} redirects")
    shop = Shop.objects.filter(shop_domain=shop_domain).first()
    if shop is None or not shop.is_installed or shop.updated_at < started:
        raise DemoError(f"the install of {shop_domain} finished but stored no fresh access token")
    return shop


# -- sync state -----------------------------------------------------------------------------------


def demo_reset_sync_state(*, shop: Shop) -> int:
    """Forget what an earlier demo run synced: its links point at sandbox products that no longer
    exist, and its unprocessed webhooks speak of them too. The shop row and the JOOR settings stay.
    Returns how many links went."""
    with transaction.atomic():
        WebhookDelivery.objects.filter(
            shop_domain=shop.shop_domain,
            status__in=(WebhookDelivery.Status.QUEUED, WebhookDelivery.Status.PROCESSING),
        ).update(status=WebhookDelivery.Status.IGNORED, error="left over from an earlier demo run")
        SyncEvent.objects.filter(shop=shop).delete()
        Conflict.objects.filter(shop=shop).delete()
        SyncJob.objects.filter(shop=shop).delete()
        ImportedOrder.objects.filter(shop=shop).delete()
        RetailerLink.objects.filter(shop=shop).delete()
        OrderPull.objects.filter(shop=shop).delete()
        _, deleted = ProductLink.objects.filter(shop=shop).delete()
        JoorAccount.objects.filter(shop=shop).update(last_joor_sync_at=None, last_shopify_sync_at=None)
    return deleted.get(ProductLink._meta.label, 0)


def demo_connect_joor(*, shop: Shop, joor_url: str, token: str = DEFAULT_TOKEN) -> JoorAccount:
    """Connect the shop to the JOOR sandbox (v2 token, checked with one real call) and choose the
    demo's settings: USD prices, wholesale = 0.5 × Shopify price, a sync every 15 minutes."""
    account = joor_account_connect(
        shop=shop, api_generation=ApiGeneration.V2, base_url=joor_url, token=token, verify=True
    )
    return joor_account_update_settings(
        account=account,
        price_currency="USD",
        wholesale_factor=Decimal("0.5"),
        sync_interval_minutes=15,
    )


# -- jobs -----------------------------------------------------------------------------------------


def _progress_line(job: SyncJob) -> str:
    if job.progress_total:
        percent = round(100 * job.progress_done / job.progress_total)
        return f"{job.kind} sync {job.status}: {job.progress_done}/{job.progress_total} products ({percent}%)"
    if job.progress_done:
        return f"{job.kind} sync {job.status}: {job.progress_done} products"
    return f"{job.kind} sync {job.status}"


def demo_wait_for_job(
    *,
    job: SyncJob,
    timeout: float,
    say: Say = _quiet,
    poll: float = 0.5,
    sleep: Callable[[float], None] = time.sleep,
) -> SyncJob:
    """Wait until the job ends (a worker runs it), telling `say` each change of progress.

    Raises DemoError when it fails, is cancelled, or takes longer than `timeout`.
    """
    deadline = time.monotonic() + timeout
    shown = ""
    while True:
        job.refresh_from_db()
        line = _progress_line(job)
        if line != shown:
            say(line)
            shown = line
        if job.status == SyncJob.Status.SUCCEEDED:
            return job
        if job.status in ENDED:
            raise DemoError(f"sync job {job.pk} {job.status}: {job.error or 'no reason recorded'}")
        if time.monotonic() > deadline:
            raise DemoError(
                f"sync job {job.pk} is still {job.status} after {timeout:.0f} s: is the worker (qcluster) running?"
            )
        sleep(poll)


def demo_wait_idle(
    *, shop: Shop, timeout: float, poll: float = 0.5, sleep: Callable[[float], None] = time.sleep
) -> None:
    """Wait until the shop has no queued or running job (webhook-triggered ones included)."""
    deadline = time.monotonic() + timeout
    while SyncJob.objects.filter(shop=shop, status__in=ACTIVE).exists():
        if time.monotonic() > deadline:
            raise DemoError(f"{shop.shop_domain} still has sync jobs waiting after {timeout:.0f} s")
        sleep(poll)


def demo_run_sync(
    *,
    shop: Shop,
    kind: str = SyncJob.Kind.FULL,
    timeout: float = 600.0,
    say: Say = _quiet,
    poll: float = 0.5,
    sleep: Callable[[float], None] = time.sleep,
) -> SyncJob:
    """Queue a sync of the shop for the worker (as "Sync now" does) and wait until it succeeds."""
    job = sync_job_request(shop=shop, kind=kind, trigger=SyncJob.Trigger.MANUAL)
    return demo_wait_for_job(job=job, timeout=timeout, say=say, poll=poll, sleep=sleep)


# -- conflicts ------------------------------------------------------------------------------------


def _post_json(client: httpx.Client, url: str, body: dict, **headers: str) -> dict:
    response = client.post(url, json=body, headers=headers)
    if response.status_code != 200:
        raise DemoError(f"POST {url} answered HTTP {response.status_code}: {response.text[:200]}")
    return response.json()


def demo_edit_both_sides(
    *,
    shop: Shop,
    joor_url: str,
    shopify_url: str,
    count: int = 2,
    timeout: float = HTTP_TIMEOUT,
) -> list[DemoConflict]:
    """Give the title of `count` linked pairs a different new value on each side, as a merchant in
    the Shopify admin and a brand user in JOOR would (the sandboxes' edit endpoints)."""
    links = list(
        ProductLink.objects.filter(shop=shop, status=ProductLink.Status.LINKED, joor_style_id__isnull=False)
        .exclude(shopify_product_id="")
        .order_by("pk")[:count]
    )
    if len(links) < count:
        raise DemoError(f"only {len(links)} linked products to edit; the first sync linked too few")
    made: list[DemoConflict] = []
    with httpx.Client(timeout=timeout) as client:
        for link in links:
            name = link.joor_name or link.shopify_title or link.style_number
            joor_title = f"{name} (renamed in JOOR)"
            shopify_title = f"{name} (renamed in Shopify)"
            numeric_id = link.shopify_product_id.rsplit("/", 1)[-1]
            # JOOR first: the Shopify edit fires a webhook whose targeted sync then sees both edits.
            _post_json(
                client,
                f"{joor_url.rstrip('/')}/_sandbox/styles/{link.joor_style_id}",
                {"style_name": joor_title},
            )
            _post_json(
                client,
                f"{shopify_url.rstrip('/')}/_sandbox/products/{numeric_id}",
                {"title": shopify_title},
                **{"X-Sandbox-Shop-Domain": shop.shop_domain},
            )
            made.append(
                DemoConflict(
                    link_id=link.pk,
                    joor_style_id=int(link.joor_style_id or 0),
                    shopify_product_id=link.shopify_product_id,
                    joor_title=joor_title,
                    shopify_title=shopify_title,
                )
            )
    return made


def demo_open_conflicts(*, shop: Shop, edits: list[DemoConflict]) -> list[Conflict]:
    """The open title conflicts of the edited pairs."""
    return list(
        Conflict.objects.filter(
            shop=shop, status=Conflict.Status.OPEN, field_path="title", link_id__in=[e.link_id for e in edits]
        ).order_by("pk")
    )


def demo_make_conflicts(
    *,
    shop: Shop,
    joor_url: str,
    shopify_url: str,
    count: int = 2,
    timeout: float = 120.0,
    say: Say = _quiet,
    poll: float = 0.5,
    sleep: Callable[[float], None] = time.sleep,
) -> list[Conflict]:
    """Edit both sandboxes, run an incremental sync, and return the conflicts it found."""
    edits = demo_edit_both_sides(shop=shop, joor_url=joor_url, shopify_url=shopify_url, count=count)
    demo_run_sync(shop=shop, kind=SyncJob.Kind.INCREMENTAL, timeout=timeout, say=say, poll=poll, sleep=sleep)
    demo_wait_idle(shop=shop, timeout=timeout, poll=poll, sleep=sleep)
    conflicts = demo_open_conflicts(shop=shop, edits=edits)
    if len(conflicts) < count:
        raise DemoError(f"expected {count} conflicts after editing both sides, found {len(conflicts)}")
    return conflicts


# -- staff login ----------------------------------------------------------------------------------


def demo_staff_user(*, username: str = DEMO_ADMIN_USERNAME) -> tuple[str, str]:
    """Create the staff superuser, or give the existing one a new password; returns (username,
    password). The password is generated here and stored only as a hash."""
    password = secrets.token_urlsafe(12)
    user_model = get_user_model()
    user = user_model.objects.filter(username=username).first()
    if user is None:
        user = user_model.objects.create_superuser(username=username, email="", password=password)
    else:
        user.is_staff = user.is_superuser = user.is_active = True
        user.set_password(password)
        user.save()
    return username, password
