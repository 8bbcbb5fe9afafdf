"""Every page at 360 (phones), 390, 768 and 1440 px: no horizontal page scroll, and axe-core (vendored
from npm, `tests/browser/vendor/axe-core`, MPL-2.0) finds no WCAG 2.1 A/AA violation. A screenshot
of each page at each width is saved under test-artifacts/screenshots/."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from joorsync.orders.models import ImportedOrder, OrderSettings
from joorsync.orders.services import orders_job_request
from joorsync.sync.models import SyncJob
from tests.browser.harness import World
from tests.browser.pages import assert_page_ok, latest_job

pytestmark = pytest.mark.browser

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
WIDTHS = (360, 390, 768, 1440)
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def _orders(world: World) -> None:
    """A few JOOR orders imported (one held: another currency), as the demo has them."""
    usd = next(k for k, v in world.joor.catalog.price_types.items() if v.currency_code == "USD")
    eur = next(k for k, v in world.joor.catalog.price_types.items() if v.currency_code == "EUR")
    skus = [s for style in world.joor.catalog.styles.values() for s in style.sku_ids.values()][:3]
    with world.lock:
        world.joor.catalog.orders.clear()
        for price_type in (usd, usd, eur):
            world.joor.place_order(
                {
                    "status": "APPROVED",
                    "price_type_id": price_type,
                    "sku_line_items": [{"sku_id": s, "quantity": 2} for s in skus],
                }
            )
        OrderSettings.objects.get_or_create(shop=world.shop)
    orders_job_request(shop=world.shop, trigger=SyncJob.Trigger.MANUAL)
    world.wait_idle()


def _violations(page: Any) -> list[str]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        WCAG,
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(", ".join(n["target"]) for n in v["nodes"][:3])
        for v in result["violations"]
    ]


def test_every_page_fits_every_width_and_passes_axe(
    signed_in: Any, world: World, context: Any, shoot: Any
) -> None:
    world.sync()
    (conflict,) = world.make_title_conflicts(1)
    written = world.links()[-1]  # a JOOR edit the sync writes to Shopify: a history with before/after
    with world.lock:
        world.joor.edit_style(written.joor_style_id, {"style_name": "Renamed in JOOR"})
    world.sync(kind=SyncJob.Kind.INCREMENTAL)
    _orders(world)
    job = latest_job(world)
    assert job is not None
    held = ImportedOrder.objects.filter(shop=world.shop, state="held").first()
    imported = ImportedOrder.objects.filter(shop=world.shop, state="imported").first()
    assert held is not None and imported is not None
    pages = {
        "dashboard": "/",
        "settings": "/settings",
        "links": "/links",
        "unlink-question": f"/links/{world.links()[0].pk}/unlink",
        "conflicts": "/conflicts",
        "conflict": f"/conflicts/{conflict.pk}",
        "jobs": "/jobs",
        "job": f"/jobs/{job.pk}",
        "problems": "/problems",
        "orders": "/orders",
        "order-held": f"/orders/{held.pk}",
        "order-imported": f"/orders/{imported.pk}",
        "history": f"/links/{written.pk}/history",
        "clear-question": f"/conflicts/{conflict.pk}/clear",
    }
    page = signed_in
    failures: list[str] = []
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        for name, url in pages.items():
            assert_page_ok(page, page.goto(url))
            wide = page.evaluate("() => document.documentElement.scrollWidth")
            if wide > width:
                failures.append(f"{name} at {width}px: the page is {wide}px wide")
            failures += [f"{name} at {width}px: {v}" for v in _violations(page)]
            shoot(f"{name}-{width}")
    assert not failures, "\n".join(failures)
