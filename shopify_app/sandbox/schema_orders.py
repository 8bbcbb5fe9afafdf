"""The part of the sandbox's schema cut (see `schema_cut`) that serves orders, fulfilment orders, fulfilments.

Same format as `schema_cut.PRODUCT_SPEC`; `QueryRoot` and `Mutation` entries list only this domain's
roots, merged with the other domains' by `schema_cut.merge_specs`.
"""

from __future__ import annotations

# fmt: off
ORDER_SPEC: dict[str, str] = {
}
# fmt: on
