"""Small page helpers shared by the browser tests: finding rows, filling controls, reading jobs."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, TypeVar

from joorsync.sync.models import SyncJob
from tests.browser.harness import World

T = TypeVar("T")

SERVER_ERROR_MARKERS = ("Traceback", "Server Error (500)", "TemplateSyntaxError", "NoReverseMatch")


def assert_page_ok(page: Any, response: Any) -> None:
    """The response was a success and the page carries no Django error text."""
    assert response is not None, "no response"
    assert response.ok, f"{response.url} answered {response.status}"
    html = page.content()
    for marker in SERVER_ERROR_MARKERS:
        assert marker not in html, f"{page.url} shows {marker!r}"


def set_control(control: Any, value: str) -> None:
    """Choose `value` in a select (by value or visible label), or type it into an input."""
    if control.evaluate("el => el.tagName") == "SELECT":
        control.select_option(value)
    else:
        control.fill(value)


def job_row(page: Any, job_id: int) -> Any:
    """The jobs-table row that links to `/jobs/<id>`."""
    link = page.locator(f'a[href="/jobs/{job_id}"], a[href$="/jobs/{job_id}/"]')
    return page.locator("tr", has=link)


def eventually(check: Callable[[], T], *, timeout: float = 10.0, what: str = "condition") -> T:
    """`check()` once it returns something truthy (a click's request may still be in flight)."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        assert time.monotonic() < deadline, f"{what} not reached within {timeout}s"
        time.sleep(0.1)


def latest_job(world: World) -> SyncJob | None:
    with world.db():
        return SyncJob.objects.filter(shop=world.shop).order_by("-created_at", "-pk").first()


def wait_for_new_job(world: World, *, after: SyncJob | None = None, timeout: float = 10.0) -> SyncJob:
    """The job a click just queued (the request may still be in flight when the click returns)."""

    def new_job() -> SyncJob | None:
        job = latest_job(world)
        return job if job is not None and (after is None or job.pk != after.pk) else None

    return eventually(new_job, timeout=timeout, what="a new job")


def form_with_button(page: Any, name: str) -> Any:
    """The form that holds the button `name` (its own controls are looked up inside it)."""
    return page.locator("form", has=page.get_by_role("button", name=name, exact=True))


def control_in(scope: Any, page: Any, label: str) -> Any:
    """The control labelled `label` inside `scope` when it has one there, else the page's only one."""
    inside = scope.get_by_label(label, exact=True)
    if inside.count():
        return inside.first
    return page.get_by_label(label, exact=True)


def submit(page: Any, button: Any) -> Any:
    """Click a button that POSTs (a form or htmx) and wait for the server's answer and the page after it."""
    with page.expect_response(lambda response: response.request.method == "POST") as answer:
        button.click()
    response = answer.value
    assert response.status < 500, f"POST {response.url} answered {response.status}"
    page.wait_for_load_state()
    return response
