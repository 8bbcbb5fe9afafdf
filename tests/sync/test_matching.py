"""Automatic linking: strongest key first, and never a guess."""

from joorsync.sync.matching import JoorItem, ShopifyItem, match_items


def J(style_id, number="", upcs=(), skus=()):
    return JoorItem(
        style_id, number or f"S{style_id}", number or f"S{style_id}", frozenset(upcs), frozenset(skus)
    )


def S(pid, barcodes=(), skus=(), style_id=None, number=""):
    return ShopifyItem(pid, frozenset(barcodes), frozenset(skus), style_id, number, number)


def test_identity_metafield_then_barcode_then_sku_then_style_number():
    result = match_items(
        shopify=[
            S("p1", style_id=1),
            S("p2", barcodes={"0001"}),
            S("p3", skus={"SKU-3"}),
            S("p4", number="N4"),
        ],
        joor=[J(1), J(2, upcs={"0001"}), J(3, skus={"SKU-3"}), J(4, number="N4")],
    )
    assert {(m.product_id, m.style_id, m.method) for m in result.matches} == {
        ("p1", 1, "style_id"),
        ("p2", 2, "barcode"),
        ("p3", 3, "sku"),
        ("p4", 4, "style_number"),
    }
    assert result.ambiguous == [] and result.unmatched_shopify == [] and result.unmatched_joor == []


def test_barcode_pointing_at_two_styles_is_ambiguous_not_guessed():
    result = match_items(shopify=[S("p1", barcodes={"A", "B"})], joor=[J(1, upcs={"A"}), J(2, upcs={"B"})])
    assert result.matches == []
    [amb] = result.ambiguous
    assert amb.product_ids == ("p1",) and amb.style_ids == (1, 2)
    assert result.unmatched_joor == [] and result.unmatched_shopify == []


def test_two_products_claiming_one_style_are_ambiguous():
    result = match_items(shopify=[S("p1", barcodes={"A"}), S("p2", barcodes={"A"})], joor=[J(1, upcs={"A"})])
    assert result.matches == []
    [amb] = result.ambiguous
    assert amb.product_ids == ("p1", "p2") and amb.style_ids == (1,)


def test_ambiguous_items_are_not_matched_by_a_weaker_key_later():
    result = match_items(
        shopify=[S("p1", barcodes={"A"}, number="N1"), S("p2", barcodes={"A"})],
        joor=[J(1, number="N1", upcs={"A"})],
    )
    assert result.matches == []


def test_unmatched_items_are_listed_on_both_sides():
    result = match_items(shopify=[S("p1", barcodes={"X"})], joor=[J(7, upcs={"Y"})])
    assert result.unmatched_shopify == ["p1"] and result.unmatched_joor == [7]


def test_empty_keys_never_match():
    result = match_items(shopify=[S("p1", barcodes={""}, skus={""})], joor=[J(1, upcs={""}, skus={""})])
    assert result.matches == []


def test_partial_catalog_requires_every_product_key_to_belong_to_the_style():
    products = [S("p1", barcodes={"A", "B"}), S("p2", barcodes={"C"})]
    page = [J(1, upcs={"A"}), J(2, upcs={"C", "D"})]
    result = match_items(shopify=products, joor=page, require_complete=True)
    assert [(m.product_id, m.style_id) for m in result.matches] == [("p2", 2)]
    assert [a.product_ids for a in result.ambiguous] == [("p1",)]
    loose = match_items(shopify=products, joor=page)
    assert {(m.product_id, m.style_id) for m in loose.matches} == {("p1", 1), ("p2", 2)}
