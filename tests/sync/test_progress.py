"""Progress counts products and knows its total as soon as it honestly can: a catalog of one JOOR page
has its total before the first product is synced, a longer one once the last page is read; done only
grows, never passes the total, and a job resumed after its worker was killed does not start over."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from joorsync.sync.engine import SyncRun
from joorsync.sync.engine import run as run_module
from joorsync.sync.jobs import sync_event_record, sync_job_progress
from joorsync.sync.models import JoorAccount, ProductLink, SyncJob
from tests.sync.engine_support import World, make_world

pytestmark = pytest.mark.django_db


class WorkerKilled(BaseException):
    """Stands for the process dying: not an Exception, so nothing on the way catches it."""


def _job(world: World, kind: str = SyncJob.Kind.FULL) -> SyncJob:
    return SyncJob.objects.create(
        shop=world.shop, kind=kind, status="running", direction=world.account.direction, attempts=1
    )


def _execute(world: World, job: SyncJob, snapshots: list[dict[str, Any]], *, page_size: int = 500) -> Any:
    """Run `job` as a worker does (progress goes to the job's row), recording every report."""

    def progress(**values: Any) -> None:
        snapshots.append({"done": values["done"], "total": values.get("total")})
        sync_job_progress(job=job, **values)

    run = SyncRun(
        job=job,
        joor=world.joor_client(),
        shopify=world.shopify_client(),
        bulk_poll_interval=0.0,
        joor_page_size=page_size,
        progress=progress,
        event=lambda **kw: sync_event_record(job=job, **kw),
    )
    result = run.run()
    run.report_final(result)
    return result


def _assert_honest(snapshots: list[dict[str, Any]]) -> None:
    dones = [s["done"] for s in snapshots]
    assert dones == sorted(dones), f"done went back: {dones}"
    assert all(s["total"] is None or s["done"] <= s["total"] for s in snapshots), snapshots


@pytest.mark.slow
def test_a_300_product_first_sync_counts_products_with_a_total_before_the_end():
    world = make_world(styles=300)
    job = _job(world)
    snapshots: list[dict[str, Any]] = []
    _execute(world, job, snapshots)

    _assert_honest(snapshots)
    # One JOOR page: the total is there before a single product went through, and it is exact.
    assert snapshots[0] == {"done": 0, "total": 300}
    under_way = [s for s in snapshots if 0 < s["done"] < 300]
    assert len(under_way) >= 3, snapshots  # the bar moves while the products are created
    assert all(s["total"] == 300 for s in under_way)
    assert snapshots[-1] == {"done": 300, "total": 300}
    job.refresh_from_db()
    assert (job.progress_done, job.progress_total) == (300, 300)
    # Reports come per batch of products, not per product: each is one UPDATE of the job row.
    assert len(snapshots) <= 300 // run_module.PROGRESS_EVERY + 8


def test_a_steady_sync_of_linked_pairs_reports_every_few_products(monkeypatch):
    world = make_world(styles=120)
    world.run()  # all linked now
    monkeypatch.setattr(run_module, "PROGRESS_SECONDS", 3600.0)  # only the count decides
    snapshots: list[dict[str, Any]] = []
    _execute(world, _job(world), snapshots)
    _assert_honest(snapshots)
    assert snapshots[0] == {"done": 0, "total": 120}
    assert [s["done"] for s in snapshots if 0 < s["done"] < 120] == [25, 50, 75, 100]
    assert snapshots[-1] == {"done": 120, "total": 120}


def test_a_catalog_of_several_pages_has_no_total_until_its_last_page_is_read(monkeypatch):
    world = make_world(styles=120)
    world.run()
    monkeypatch.setattr(run_module, "PROGRESS_SECONDS", 3600.0)  # only the count decides
    # Shopify-only, considered after the JOOR pass: part of the total once that is known.
    world.shopify_sandbox.merchant_create_product(
        {"title": "Gift card", "productOptions": [], "variants": []}
    )
    snapshots: list[dict[str, Any]] = []
    job = _job(world)
    _execute(world, job, snapshots, page_size=50)

    _assert_honest(snapshots)
    unknown = [s for s in snapshots if s["total"] is None]
    known = [s for s in snapshots if s["total"] is not None]
    # The first two pages: no total yet (JOOR does not say how many styles it has), but the count moves.
    assert [s["done"] for s in unknown] == [25, 50, 50, 75, 100, 100]
    assert known[0] == {"done": 100, "total": 121}  # the last page is in hand
    assert snapshots[-1] == {"done": 121, "total": 121}
    job.refresh_from_db()
    assert (job.progress_done, job.progress_total) == (121, 121)


def test_a_job_resumed_after_its_worker_was_killed_keeps_its_progress(monkeypatch):
    world = make_world(styles=120)
    world.run()  # linked: this full sync syncs 120 pairs, 50 a page
    monkeypatch.setattr(run_module, "PROGRESS_SECONDS", 3600.0)  # only the count decides
    job = _job(world)
    first: list[dict[str, Any]] = []
    calls = {"n": 0}
    real_sync_pair = SyncRun.sync_pair

    def dies_on_the_second_page(self: SyncRun, *args: Any, **kwargs: Any) -> None:
        calls["n"] += 1
        if calls["n"] == 80:  # in the middle of the second page
            raise WorkerKilled
        real_sync_pair(self, *args, **kwargs)

    monkeypatch.setattr(SyncRun, "sync_pair", dies_on_the_second_page)
    with pytest.raises(WorkerKilled):
        _execute(world, job, first, page_size=50)
    job.refresh_from_db()
    assert job.checkpoint == {"joor_start_from": 50, "done": 50}  # the first page is checkpointed
    shown = job.progress_done
    assert shown == 75, first  # progress on the second page was reported before the kill

    monkeypatch.setattr(SyncRun, "sync_pair", real_sync_pair)
    job.refresh_from_db()
    job.attempts += 1
    job.save(update_fields=["attempts"])
    second: list[dict[str, Any]] = []
    _execute(world, job, second, page_size=50)

    _assert_honest(first + second)  # never back to the checkpoint, let alone to 0
    assert min(s["done"] for s in second) == shown
    assert second[-1] == {"done": 120, "total": 120}
    job.refresh_from_db()
    assert (job.progress_done, job.progress_total) == (120, 120)


def test_an_incremental_sync_counts_what_it_considers_on_both_sides():
    world = make_world(styles=12)
    world.run()
    JoorAccount.objects.filter(pk=world.account.pk).update(
        last_joor_sync_at=timezone.now() - timedelta(seconds=1)
    )
    world.account.refresh_from_db()
    links = list(ProductLink.objects.filter(shop=world.shop).order_by("joor_style_id"))
    world.joor_sandbox.edit_style(links[1].joor_style_id, {"style_description": "Edited in JOOR"})
    world.shopify_sandbox.merchant_update_product(links[2].shopify_product_id, {"title": "Edited in Shopify"})
    snapshots: list[dict[str, Any]] = []
    result = _execute(world, _job(world, SyncJob.Kind.INCREMENTAL), snapshots)

    assert result.counts.shopify["updated"] == 1 and result.counts.joor["updated"] == 1
    _assert_honest(snapshots)
    # JOOR's window holds one style; Shopify's (with the clock overlap) all twelve products, each
    # compared with what was agreed: twelve products considered, the total known from the start.
    assert snapshots[0]["done"] == 0 and snapshots[0]["total"] is not None
    assert snapshots[-1] == {"done": 12, "total": 12}


def test_a_targeted_job_is_one_of_one():
    world = make_world(styles=2)
    world.run()
    link = ProductLink.objects.filter(shop=world.shop, status="linked").first()
    assert link is not None
    job = SyncJob.objects.create(
        shop=world.shop, kind="targeted", status="running", attempts=1, target={"link_id": link.pk}
    )
    snapshots: list[dict[str, Any]] = []
    _execute(world, job, snapshots)
    assert snapshots == [{"done": 1, "total": 1}]


def test_an_order_import_counts_orders_and_a_resumed_one_goes_on_from_its_count():
    from joorsync.orders.run import orders_run
    from tests.orders.orders_support import make_order_world

    orders = make_order_world()
    for _ in range(12):
        orders.place()
    job = SyncJob.objects.create(shop=orders.shop, kind=SyncJob.Kind.ORDERS, status="running", attempts=1)
    job.refresh_from_db()
    snapshots: list[dict[str, Any]] = []

    def run() -> None:
        def progress(**values: Any) -> None:
            snapshots.append({"done": values["done"], "total": values.get("total")})
            sync_job_progress(job=job, **values)

        orders_run(
            job=job, joor=orders.world.joor_client(), shopify=orders.world.shopify_client(), progress=progress
        )

    run()
    _assert_honest(snapshots)
    assert snapshots[0] == {"done": 0, "total": 12} and snapshots[-1] == {"done": 12, "total": 12}
    assert {"done": 10, "total": 12} in snapshots  # every ten orders, not every order
    assert len(orders.shopify_orders()) == 12

    # Taken up again (say its worker was lost after the last order): nothing left, nothing recounted.
    job.refresh_from_db()
    job.attempts += 1
    job.save(update_fields=["attempts"])
    snapshots.clear()
    run()
    assert snapshots[0] == {"done": 12, "total": 12} and snapshots[-1] == {"done": 12, "total": 12}


@pytest.mark.parametrize(
    ("fields", "expected", "absent"),
    [
        pytest.param(
            {"status": "running", "progress_done": 120, "progress_total": 2000},
            ['<progress max="2000" value="120" aria-label="Progress of job 7">', "120 of 2,000 products"],
            ["so far"],
            id="known-total",
        ),
        pytest.param(
            {"status": "running", "progress_done": 40, "progress_total": None},
            ['<progress aria-label="Progress of job 7, total not known yet">', "40 products so far"],
            ["max=", "value="],  # an indeterminate bar: no guessed fill
            id="total-not-known-yet",
        ),
        pytest.param(
            {"status": "running", "kind": "orders", "progress_done": 1, "progress_total": 1},
            ["1 of 1 order<"],
            ["product"],
            id="orders",
        ),
        pytest.param(
            {"status": "queued", "progress_done": 0, "progress_total": None},
            ['<progress max="1" value="0" aria-label="Progress of job 7">not started</progress>'],
            ["so far"],
            id="queued",
        ),
    ],
)
def test_the_progress_shows_products_of_a_known_total_or_the_count_so_far(fields, expected, absent):
    from django.template.loader import render_to_string

    html = render_to_string("sync/_progress.html", {"job": SyncJob(pk=7, **fields)})
    for text in expected:
        assert text in html
    for text in absent:
        assert text not in html
