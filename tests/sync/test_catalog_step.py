"""A catalog step after the pairs stops alone when a side fails; lost authorisation stops the run."""

from types import SimpleNamespace

import pytest

from joorsync.joor.errors import JoorAuthError, JoorTransientError
from joorsync.sync.engine.steps import catalog_step
from shopify_app.admin.errors import ShopifyAuthError, ShopifyUserErrors


class FakeRun:
    def __init__(self) -> None:
        self.counts = SimpleNamespace(errors=0)
        self.events: list[dict] = []

    def event(self, **kwargs) -> None:
        self.events.append(kwargs)


@pytest.mark.parametrize(
    "error",
    [JoorTransientError("JOOR answered 503"), ShopifyUserErrors("productSet refused", user_errors=[])],
)
def test_a_side_failing_stops_the_step_counted_and_said(error):
    run = FakeRun()
    with catalog_step(run, action="price_lists_stopped", what="Shopify price lists"):
        raise error
    assert run.counts.errors == 1
    (event,) = run.events
    assert event["action"] == "price_lists_stopped" and event["level"] == "warning"
    assert event["message"].startswith("Shopify price lists were not synced this time (")
    assert event["message"].endswith("the next run tries again")


@pytest.mark.parametrize("error", [JoorAuthError("token refused"), ShopifyAuthError("token revoked")])
def test_lost_authorisation_stops_the_run(error):
    run = FakeRun()
    with pytest.raises(type(error)), catalog_step(run, action="x", what="X"):
        raise error
    assert run.counts.errors == 0 and run.events == []


def test_a_step_that_works_says_nothing():
    run = FakeRun()
    with catalog_step(run, action="x", what="X"):
        pass
    assert run.counts.errors == 0 and run.events == []
