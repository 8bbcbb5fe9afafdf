"""Catalog steps after the pairs (linesheets ↔ collections, price lists): a side refusing or failing
stops that step for this run, counted and said in the job's log, never the run; lost authorisation
stops the run, as everywhere else."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from joorsync.joor.errors import JoorAuthError, JoorError
from shopify_app.admin.errors import ShopifyAuthError, ShopifyError

if TYPE_CHECKING:
    from joorsync.sync.engine.run import SyncRun


@contextmanager
def catalog_step(run: SyncRun, *, action: str, what: str) -> Iterator[None]:
    """Run a step's body; `what` names it in the warning ("Shopify price lists were not synced…")."""
    try:
        yield
    except (ShopifyAuthError, JoorAuthError):
        raise
    except (ShopifyError, JoorError) as exc:
        run.counts.errors += 1
        run.event(
            action=action,
            level="warning",
            message=f"{what} were not synced this time ({type(exc).__name__}: {exc}); the next run tries again",
        )
