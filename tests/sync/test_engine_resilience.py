"""A job killed mid-way resumes and converges without duplicates; fault storms converge."""

from __future__ import annotations

import httpx
import pytest

from joorsync.joor.sandbox.app import JoorSandbox
from joorsync.joor.sandbox.app import SandboxConfig as JoorConfig
from joorsync.joor.sandbox.faults import FaultConfig as JoorFaults
from joorsync.sync.models import ProductLink, SyncJob
from shopify_app.sandbox.app import ShopifySandbox
from shopify_app.sandbox.config import SandboxConfig as ShopifyConfig
from shopify_app.sandbox.faults import FaultConfig as ShopifyFaults
from tests.clocks import FakeClock
from tests.sync.engine_support import SHOP, SHOPIFY_TOKEN, make_world

pytestmark = pytest.mark.django_db


class WorkerKilled(BaseException):
    """Stands for the process dying: not an Exception, so nothing on the way catches it."""


class KillAfter(httpx.BaseTransport):
    """Forwards requests to `app`; the `n`-th request matching `marker` reaches the sandbox (its
    effect happens) and then the worker dies before it can read the answer."""

    def __init__(self, app, *, marker: bytes, n: int) -> None:
        self.inner = httpx.WSGITransport(app=app)
        self.marker, self.n, self.seen = marker, n, 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        body = request.read() + str(request.url).encode()
        if self.marker in body:
            self.seen += 1
            if self.seen == self.n:
                raise WorkerKilled()
        return response


def _assert_converged(world, styles: int) -> None:
    products = world.shopify_products()
    assert len(products) == styles, "one product per style, no duplicates"
    assert len({p["handle"] for p in products}) == styles
    links = ProductLink.objects.filter(shop=world.shop, status=ProductLink.Status.LINKED)
    assert links.count() == styles
    assert {link.shopify_product_id for link in links} == {p["id"] for p in products}


def _resume(world, job: SyncJob, **kwargs):
    """What stale-job recovery does: the same job, queued again with its checkpoint."""
    job.refresh_from_db()
    job.attempts += 1
    job.save(update_fields=["attempts"])
    result = world.execute(job, **kwargs)
    SyncJob.objects.filter(pk=job.pk).update(status=SyncJob.Status.SUCCEEDED)
    return result


def test_worker_killed_between_creating_a_product_and_linking_it_resumes_without_duplicates():
    world = make_world(styles=10)
    job = SyncJob.objects.create(shop=world.shop, kind="full", status="running")
    killer = KillAfter(world.shopify_sandbox, marker=b"productSet", n=5)
    with pytest.raises(WorkerKilled):
        world.execute(job, shopify_transport=killer, page_size=3)
    # Pages of 3: the first page's three are linked; the fourth and fifth reached Shopify but the
    # worker died before their links were saved.
    assert len(world.shopify_products()) == 5
    assert ProductLink.objects.filter(shop=world.shop).count() == 3
    result = _resume(world, job, page_size=3)
    assert result.counts.errors == 0
    _assert_converged(world, 10)
    _, again = world.run()
    assert again.counts.shopify["created"] == again.counts.shopify["updated"] == 0


def test_worker_killed_while_paging_joor_resumes_from_the_checkpoint():
    world = make_world(styles=10)
    job = SyncJob.objects.create(shop=world.shop, kind="full", status="running")
    killer = KillAfter(world.joor_sandbox, marker=b"start_from=6", n=1)
    with pytest.raises(WorkerKilled):
        world.execute(job, joor_transport=killer, page_size=3)
    job.refresh_from_db()
    assert job.checkpoint["joor_start_from"] == 6
    before = len(world.joor_sandbox.request_log)
    _resume(world, job, page_size=3)
    resumed = [entry for entry in world.joor_sandbox.request_log[before:] if "/v2/style" in str(entry)]
    assert resumed and "start_from=0" not in str(resumed), "the resumed run does not re-read pages 1-2"
    _assert_converged(world, 10)


def test_fault_storms_on_both_sides_converge():
    clock = FakeClock()
    world = make_world(styles=12)
    world.joor_sandbox = JoorSandbox(
        JoorConfig(
            styles=12,
            seed=1,
            rate_limit="scale=0.01",  # 3 credits a window: 429s are certain
            faults=JoorFaults.parse("5xx=0.3,truncate=0.1"),
            fault_seed=3,
            clock=clock,
            sleep=clock.sleep,
        )
    )
    world.shopify_sandbox = ShopifySandbox(
        ShopifyConfig(
            static_tokens={SHOP: SHOPIFY_TOKEN},
            rate_limit="standard",
            faults=ShopifyFaults.parse("5xx=0.15,429=0.05", seed=4),
            clock=clock,
            deliver_webhooks="off",
        )
    )
    world.sleep, world.clock = clock.sleep, clock
    # Another app drained the shop's cost bucket: the first queries are THROTTLED (HTTP 200).
    world.shopify_sandbox.rate_limiter.drain(SHOP, 2000)
    throttled_before = clock.now
    made = []
    build_shopify = world.shopify_client
    world.shopify_client = lambda transport=None: made.append(build_shopify(transport)) or made[-1]
    job = SyncJob.objects.create(shop=world.shop, kind="full", status="running")
    result = world.execute(job, page_size=2)
    assert result.counts.errors == 0, result.counts.as_dict()
    _assert_converged(world, 12)
    assert clock.now > throttled_before, "the clients waited (JOOR windows, Shopify's bucket)"
    assert sum(client.usage["throttled"] for client in made) >= 1, "Shopify answered THROTTLED"
    statuses = {status for _, _, status in world.joor_sandbox.request_log}
    assert 429 in statuses and statuses & {500, 503}, f"the storm really happened: {statuses}"
