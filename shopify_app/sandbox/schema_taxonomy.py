"""The part of the sandbox's schema cut (see `schema_cut`) that serves product categories.

Same format as `schema_cut.PRODUCT_SPEC`, merged by `schema_cut.merge_specs`: a product's taxonomy
`category` (read and written through productSet/productCreate/productUpdate) and the `taxonomy`
search. Category attributes and their values are left out.
"""

from __future__ import annotations

_PAGING = "first,after,last,before"

# fmt: off
TAXONOMY_SPEC: dict[str, str] = {
 "QueryRoot": "taxonomy",
 "Product": "category",
 "Taxonomy": f"categories(search,{_PAGING})",
 "TaxonomyCategory": "id name fullName parentId ancestorIds childrenIds isLeaf isRoot isArchived level",
 "TaxonomyCategoryConnection": "*", "TaxonomyCategoryEdge": "*",
 "ProductSetInput": "category", "ProductCreateInput": "category", "ProductUpdateInput": "category",
}
# fmt: on
