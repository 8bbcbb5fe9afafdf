"""The sync engine: one run of one job for one shop, plan → write gate → apply.

- `run`: the run itself (`SyncRun`) and the plan → gate → apply cycle of one linked pair;
- `plan`, `gate`, `limits`: the typed plan entries, the write gate and the sides' limits;
- `pair`: planning one pair from the three-way merge; `settings`: the account's rules;
- `catalog`, `targeted`, `creating`: full/incremental runs, one-product runs, new products;
- `joor_side`, `shopify_side` (with `joor_writes`, `shopify_writes`): each side's reads, mapping,
  writes and wire format;
- `linkrows`: link-row bookkeeping, conflicts and per-product problems.

The job layer (`joorsync.sync.job_run`) builds and runs it; the engine never imports the job layer.
"""

from joorsync.sync.engine.plan import Counts
from joorsync.sync.engine.run import RunResult, SyncRun
from joorsync.sync.engine.settings import PairSettings, pair_settings_for, price_mapping_for
from joorsync.sync.engine.shopify_side import products_export_query, style_handle

__all__ = [
    "Counts",
    "PairSettings",
    "RunResult",
    "SyncRun",
    "pair_settings_for",
    "price_mapping_for",
    "products_export_query",
    "style_handle",
]
