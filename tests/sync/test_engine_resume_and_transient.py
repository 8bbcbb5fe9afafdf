"""A job whose worker dies after the JOOR pass resumes with the post-pass; a Shopify side that fails
for one bulk mutation or one product does not fail the run."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from joorsync.sync.engine import creating
from joorsync.sync.engine.joor_side import JoorSide
from joorsync.sync.models import ProductLink, ProductProblem, SyncJob
from shopify_app.admin.errors import ShopifyTransientError
from tests.sync.engine_support import World, make_world
from tests.sync.test_engine_shopify_to_joor import GRID_PRODUCT

pytestmark = pytest.mark.django_db


class WorkerKilled(BaseException):
    """Stands for the process dying: not an Exception, so nothing on the way catches it."""


def _job(world: World) -> SyncJob:
    return SyncJob.objects.create(
        shop=world.shop, kind="full", status="running", direction=world.account.direction, attempts=1
    )


def _execute(world: World, transport: httpx.BaseTransport) -> Any:
    job = _job(world)
    try:
        return world.execute(job, shopify_transport=transport)
    finally:
        SyncJob.objects.filter(pk=job.pk).update(status="succeeded")


def _resume(world: World, job: SyncJob, **kwargs: Any) -> Any:
    """What stale-job recovery does: the same job, claimed again with its checkpoint."""
    job.refresh_from_db()
    job.attempts += 1
    job.save(update_fields=["attempts"])
    return world.execute(job, **kwargs)


# -- 4: the checkpoint survives the post-pass ---------------------------------------------------


def test_a_worker_lost_in_the_post_pass_resumes_without_reading_joor_again(monkeypatch):
    world = make_world(styles=5)
    world.shopify_sandbox.merchant_create_product(GRID_PRODUCT)  # Shopify-only: the post-pass's work
    pages = {"n": 0}
    real_pages = JoorSide.pages

    def counted(self: JoorSide, **kwargs: Any) -> Any:
        pages["n"] += 1
        return real_pages(self, **kwargs)

    monkeypatch.setattr(JoorSide, "pages", counted)
    real_finish = creating.finish_unmatched_shopify
    monkeypatch.setattr(
        creating, "finish_unmatched_shopify", lambda *args, **kwargs: (_ for _ in ()).throw(WorkerKilled())
    )
    job = _job(world)
    with pytest.raises(WorkerKilled):
        world.execute(job, page_size=2)
    assert pages["n"] == 1
    job.refresh_from_db()
    assert job.checkpoint == {"joor_start_from": 0, "done": 5, "joor_pass_done": True}

    monkeypatch.setattr(creating, "finish_unmatched_shopify", real_finish)
    result = _resume(world, job, page_size=2)
    assert pages["n"] == 1, "the resumed attempt did not page through JOOR again"
    assert result.counts.errors == 0
    # The post-pass did its work: the Shopify-only product is a JOOR style or listed with the reason.
    only_shopify = ProductLink.objects.exclude(method="created").filter(shop=world.shop)
    assert only_shopify.count() == 1
    assert ProductLink.objects.filter(shop=world.shop, status="linked", method="created").count() == 5


# -- 5: transient failures of one bulk mutation or one product ---------------------------------


class Failing(httpx.BaseTransport):
    """The Shopify sandbox, answering a 503 instead to the first `times` requests whose body holds
    every one of `markers` (`applied`: the request reaches the sandbox first, so it took effect)."""

    def __init__(self, app: Any, *markers: bytes, times: int = 1, applied: bool = False) -> None:
        self.inner = httpx.WSGITransport(app=app)
        self.markers, self.times, self.applied, self.failed = markers, times, applied, 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        body = request.read()
        if all(marker in body for marker in self.markers) and self.failed < self.times:
            self.failed += 1
            if self.applied:
                self.inner.handle_request(request)
            return httpx.Response(503, text="Service Unavailable", request=request)
        return self.inner.handle_request(request)


@pytest.mark.parametrize("applied", [False, True], ids=["not-applied", "applied-then-503"])
def test_one_503_on_the_bulk_create_does_not_fail_the_full_sync(applied):
    world = make_world(styles=30)  # over the bulk threshold: the creates go in one bulk mutation
    transport = Failing(world.shopify_sandbox, b"BulkOperationRunMutation", applied=applied)
    result = _execute(world, transport)
    assert transport.failed == 1
    assert result.counts.shopify["created"] == 30 and result.counts.errors == 0
    products = world.shopify_products()
    assert len(products) == 30 and len({p["handle"] for p in products}) == 30  # no product twice
    assert ProductLink.objects.filter(shop=world.shop, status="linked").count() == 30
    assert not ProductProblem.objects.filter(status="open", code="write_refused").exists()


def test_a_product_shopify_does_not_answer_for_is_a_problem_and_the_run_goes_on():
    world = make_world(styles=3)
    world.run()
    links = list(ProductLink.objects.filter(shop=world.shop, status="linked").order_by("joor_style_id"))
    for link in links:
        world.joor_sandbox.edit_style(link.joor_style_id, {"style_name": f"Renamed {link.joor_style_id}"})
    down, up = links[0], links[1:]
    # Every try of this one product's productSet (the client retries 5xx) gets a 503.
    transport = Failing(world.shopify_sandbox, b"ProductSet", down.shopify_product_id.encode(), times=100)
    result = _execute(world, transport)
    assert transport.failed > 1
    assert result.counts.shopify["updated"] == 2 and result.counts.errors == 1
    titles = {p["id"]: p["title"] for p in world.shopify_products()}
    assert all(titles[link.shopify_product_id] == f"Renamed {link.joor_style_id}" for link in up)
    problem = ProductProblem.objects.get(shop=world.shop, status="open", code="unavailable")
    assert problem.link_id == down.pk and problem.side == "shopify"
    assert "Shopify did not answer for this product" in problem.message

    _, healed = world.run()  # Shopify answers again: the product syncs, its problem is solved
    assert healed.counts.shopify["updated"] == 1 and healed.counts.errors == 0
    problem.refresh_from_db()
    assert problem.status == "solved"
    assert world.shopify_client().product(down.shopify_product_id)["title"] == f"Renamed {down.joor_style_id}"


def test_a_side_that_is_down_for_product_after_product_stops_the_run_with_the_reason(monkeypatch):
    from joorsync.sync.engine import run as run_module

    monkeypatch.setattr(run_module, "TRANSIENT_STREAK_LIMIT", 2)
    world = make_world(styles=3)
    world.run()
    for link in ProductLink.objects.filter(shop=world.shop, status="linked"):
        world.joor_sandbox.edit_style(link.joor_style_id, {"style_name": "Renamed"})
    transport = Failing(world.shopify_sandbox, b"ProductSet", times=1000)
    with pytest.raises(ShopifyTransientError):
        _execute(world, transport)


def test_one_product_of_a_webhook_batch_shopify_does_not_answer_for_is_a_problem():
    world = make_world(styles=2)
    world.run()
    down, up = ProductLink.objects.filter(shop=world.shop, status="linked").order_by("joor_style_id")
    world.shopify_sandbox.merchant_update_product(up.shopify_product_id, {"title": "Renamed in Shopify"})
    job = SyncJob.objects.create(
        shop=world.shop,
        kind="targeted",
        trigger="webhook",
        status="running",
        attempts=1,
        target={"products": [{"link_id": down.pk}, {"link_id": up.pk}]},
    )
    # The first product cannot even be read: every try of its Product query gets a 503.
    transport = Failing(
        world.shopify_sandbox, b'"operationName":"Product"', down.shopify_product_id.encode(), times=100
    )
    result = world.execute(job, shopify_transport=transport)
    assert result.counts.errors == 1 and result.counts.joor["updated"] == 1
    assert world.joor_sandbox.style(up.joor_style_id)["style_name"] == "Renamed in Shopify"
    problem = ProductProblem.objects.get(shop=world.shop, status="open", code="unavailable")
    assert problem.link_id == down.pk
    job.refresh_from_db()
    assert job.checkpoint == {"batch_next": 2}
