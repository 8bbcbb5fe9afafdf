"""Fixtures for the browser tests: Debian's chromium driven by Playwright against a live server.

No browser is downloaded: Playwright launches `/usr/bin/chromium` (CI installs it with
`.ci/browser-prereqs.sh`); where it is absent every test here is skipped with that reason.

Playwright's sync API keeps an asyncio loop running in the test thread while a browser is open, so
Django would refuse ORM calls from that thread as "async"; DJANGO_ALLOW_ASYNC_UNSAFE lifts that for as
long as the browser is open (the package-scoped `playwright` fixture), and only then, so the rest of the
suite keeps Django's check. For the same reason the browser lives for this package, not the session.
"""

from __future__ import annotations

import functools
import os
import re
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Protocol

import httpx
import pytest
from django_q.brokers import get_broker

from joorsync.joor.sandbox.app import JoorSandbox
from joorsync.joor.sandbox.app import SandboxConfig as JoorConfig
from joorsync.sync import engine
from joorsync.sync.clients import joor_budgets_reset, transport_override
from shopify_app.sandbox.app import ShopifySandbox
from shopify_app.sandbox.config import SandboxConfig as ShopifyConfig
from tests.browser.harness import SHOP, SHOPIFY_TOKEN, STYLES, QueueWorker, SerializedApp, World, create_shop
from tests.conftest import REPO_ROOT

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-dev-shm-usage",
]
SCREENSHOTS = REPO_ROOT / "test-artifacts" / "screenshots"
VIEWPORT = {"width": 1280, "height": 900}
TIMEOUT_MS = 10_000
BULK_POLL = 0.05


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if CHROMIUM.exists():
        return
    here = Path(__file__).parent
    skip = pytest.mark.skip(reason=f"{CHROMIUM} is absent (CI installs it with .ci/browser-prereqs.sh)")
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(skip)


@pytest.fixture(scope="package")
def playwright() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as driver:
            yield driver
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="package")
def browser(playwright: Any) -> Iterator[Any]:
    browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
    yield browser
    browser.close()


@pytest.fixture
def world(
    live_server: Any, transactional_db: None, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> Iterator[World]:
    """The sandbox shop connected to both sandboxes, a live server in sandbox mode and a worker."""
    settings.SANDBOX_MODE = True
    # The Shopify sandbox finishes a bulk export at once: poll it at once instead of after a second.
    monkeypatch.setattr(engine, "SyncRun", functools.partial(engine.SyncRun, bulk_poll_interval=BULK_POLL))
    lock = threading.RLock()
    broker = get_broker()
    broker.delete_queue()
    joor = JoorSandbox(JoorConfig(styles=STYLES, seed=1, rate_limit="off"))
    shopify = ShopifySandbox(
        ShopifyConfig(static_tokens={SHOP: SHOPIFY_TOKEN}, rate_limit="off", deliver_webhooks="off")
    )
    shop, account = create_shop(lock=lock)
    httpd = live_server.thread.httpd
    app = httpd.get_app()
    # The live server's own stack, static-files layer included, as `manage.py runserver` serves it.
    httpd.set_app(SerializedApp(app, lock))
    worker = QueueWorker(broker=broker, lock=lock)
    joor_budgets_reset()
    with transport_override(joor=httpx.WSGITransport(app=joor), shopify=httpx.WSGITransport(app=shopify)):
        worker.start()
        try:
            yield World(
                joor=joor,
                shopify=shopify,
                shop=shop,
                account=account,
                lock=lock,
                broker=broker,
                base_url=live_server.url,
                worker=worker,
            )
        finally:
            worker.stop()
            httpd.set_app(app)
            broker.delete_queue()
            shopify.close()
    assert not worker.errors, worker.errors


@pytest.fixture
def context(browser: Any, world: World) -> Iterator[Any]:
    context = browser.new_context(base_url=world.base_url, viewport=VIEWPORT)
    context.set_default_timeout(TIMEOUT_MS)
    yield context
    context.close()


@pytest.fixture
def page(context: Any) -> Any:
    page = context.new_page()
    # Playwright dismisses dialogs by default; a merchant confirming "resolve all" accepts them.
    page.on("dialog", lambda dialog: dialog.accept())
    return page


class Shoot(Protocol):
    def __call__(self, step: str) -> Path: ...


@pytest.fixture
def shoot(page: Any, request: pytest.FixtureRequest) -> Shoot:
    """`shoot("step")` saves the whole page as test-artifacts/screenshots/<test>-<step>.png."""
    name = re.sub(r"[^A-Za-z0-9_.-]+", "-", request.node.name).strip("-")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def shoot(step: str) -> Path:
        path = SCREENSHOTS / f"{name}-{step}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return shoot


@pytest.fixture
def signed_in(page: Any, world: World) -> Any:
    """The page, signed in to the sandbox shop through `/sandbox/login` (which lands on the dashboard)."""
    response = page.goto(f"/sandbox/login?shop={SHOP}")
    assert response is not None and response.ok, response and response.status
    assert page.url.rstrip("/") == world.base_url.rstrip("/"), page.url
    return page
