"""The write gate's rules one by one, on plans built by hand: each test fails if its rule is removed."""

from __future__ import annotations

from joorsync.sync.canonical import CanonicalProduct, CanonicalVariant
from joorsync.sync.engine.gate import GateContext, review_create, review_pair
from joorsync.sync.engine.plan import Change, Decider, PairPlan, ProductCreate, Side, StockWrite
from joorsync.sync.merge import DEFAULT_OWNERSHIP, FieldGroup, Ownership

CTX = GateContext(
    ownership=DEFAULT_OWNERSHIP,
    currency="USD",
    price_label="",
    new_product_status="DRAFT",
    sync_shopify_drafts=False,
)
PRICE_A, PRICE_B = "variants[C1/S].price", "variants[C1/M].price"


def _plan(side: Side, *changes: Change, base: dict | None = None) -> PairPlan:
    plan = PairPlan(base=dict(base or {}))
    plan.snapshot = {c.path: c.new for c in changes}
    plan.update(side).changes.extend(changes)
    return plan


def test_a_blank_carried_by_the_merge_is_held_as_a_conflict_not_written():
    plan = _plan(Side.JOOR, Change("description", "Long text", "  "), base={"description": "Long text"})
    review_pair(plan, shopify={}, ctx=CTX)
    assert plan.joor.changes == []
    assert [h.path for h in plan.holds] == ["description"]
    assert plan.snapshot["description"] == "Long text"  # the difference is seen again


def test_a_blank_decided_by_an_ownership_rule_is_a_problem_and_a_clear_passes():
    owned = _plan(Side.SHOPIFY, Change("tags", ["a"], [], Decider.OWNER))
    review_pair(owned, shopify={}, ctx=CTX)
    assert owned.shopify.changes == [] and [r.code for r in owned.refusals] == ["blank_value"]
    cleared = _plan(Side.SHOPIFY, Change("description", "x", None, Decider.CLEAR))
    review_pair(cleared, shopify={}, ctx=CTX)
    assert len(cleared.shopify.changes) == 1 and not cleared.refusals


def test_no_price_is_ever_blanked():
    plan = _plan(Side.SHOPIFY, Change(PRICE_A, "10.00", None, Decider.OWNER))
    review_pair(plan, shopify={PRICE_A: "10.00"}, ctx=CTX)
    assert plan.shopify.changes == [] and [r.code for r in plan.refusals] == ["no_price"]


def test_values_over_the_target_sides_limits_are_problems():
    plan = _plan(Side.JOOR, Change("title", "x", "T" * 101), Change("description", "x", "D" * 500))
    review_pair(plan, shopify={}, ctx=CTX)
    assert [c.path for c in plan.joor.changes] == ["description"]  # 500 is JOOR's limit, not over it
    assert [(r.code, r.path) for r in plan.refusals] == [("too_long", "title")]
    shopify = _plan(Side.SHOPIFY, Change("title", "x", "T" * 101))
    review_pair(shopify, shopify={}, ctx=CTX)
    assert len(shopify.shopify.changes) == 1  # Shopify takes 255


def test_a_variant_price_that_differs_from_its_siblings_is_held_for_joor():
    plan = _plan(Side.JOOR, Change(PRICE_A, "10.00", "12.00"))
    review_pair(plan, shopify={PRICE_A: "12.00", PRICE_B: "10.00"}, ctx=CTX)
    assert plan.joor.changes == [] and [h.path for h in plan.holds] == [PRICE_A]
    uniform = _plan(Side.JOOR, Change(PRICE_A, "10.00", "12.00"), Change(PRICE_B, "10.00", "12.00"))
    review_pair(uniform, shopify={PRICE_A: "12.00", PRICE_B: "12.00"}, ctx=CTX)
    assert len(uniform.joor.changes) == 2 and not uniform.holds


def test_stock_is_written_only_as_its_owners_figure_read_this_run():
    path = "variants[C1/S].inventory"
    good = PairPlan()
    good.stock.append(StockWrite(Side.JOOR, "C1/S", 5, Side.SHOPIFY, 5, path))
    review_pair(good, shopify={}, ctx=CTX)
    assert len(good.stock) == 1
    not_owner = PairPlan()
    not_owner.stock.append(StockWrite(Side.SHOPIFY, "C1/S", 5, Side.JOOR, 5, path))  # Shopify owns stock
    review_pair(not_owner, shopify={}, ctx=CTX)
    assert not_owner.stock == [] and not_owner.refusals[0].code == "stock_not_owned"
    invented = PairPlan()
    invented.stock.append(StockWrite(Side.JOOR, "C1/S", 0, Side.SHOPIFY, None, path))
    review_pair(invented, shopify={}, ctx=CTX)
    assert invented.stock == []
    joor_owned = GateContext(
        **{**_ctx_fields(), "ownership": {**DEFAULT_OWNERSHIP, FieldGroup.INVENTORY: Ownership.JOOR}}
    )
    reverse = PairPlan()
    reverse.stock.append(StockWrite(Side.JOOR, "C1/S", 5, Side.SHOPIFY, 5, path))
    review_pair(reverse, shopify={}, ctx=joor_owned)
    assert reverse.stock == []


def _product(**fields) -> CanonicalProduct:
    values = {
        "style_number": "S1",
        "style_identifier": "S1",
        "title": "Shirt",
        "variants": (CanonicalVariant("C1", "S", "Red", price="10.00"),),
        **fields,
    }
    return CanonicalProduct(**values)


def test_new_shopify_products_take_the_accounts_status_and_are_drafts_without_a_price():
    create = ProductCreate(Side.SHOPIFY, _product(), "1")
    active = GateContext(**{**_ctx_fields(), "new_product_status": "ACTIVE"})
    assert review_create(create, ctx=active) and create.status == "ACTIVE"
    unpriced = ProductCreate(Side.SHOPIFY, _product(variants=(CanonicalVariant("C1", "S", "Red"),)), "2")
    assert review_create(unpriced, ctx=active)
    assert unpriced.status == "DRAFT" and unpriced.refusals[0].code == "no_price"
    assert "USD" in unpriced.refusals[0].message


def test_shopify_drafts_and_over_long_products_do_not_become_joor_styles():
    draft = ProductCreate(Side.JOOR, _product(), "gid://shopify/Product/1")
    assert not review_create(draft, ctx=CTX, shopify_status="DRAFT")
    assert [r.code for r in draft.refusals] == ["draft"]
    allowed = GateContext(**{**_ctx_fields(), "sync_shopify_drafts": True})
    assert review_create(ProductCreate(Side.JOOR, _product(), "gid"), ctx=allowed, shopify_status="DRAFT")
    long = ProductCreate(Side.JOOR, _product(title="T" * 108, description="D" * 727), "gid")
    assert not review_create(long, ctx=CTX, shopify_status="ACTIVE")
    assert {r.path for r in long.refusals} == {"title", "description"}


def _ctx_fields() -> dict:
    return {
        "ownership": CTX.ownership,
        "currency": CTX.currency,
        "price_label": CTX.price_label,
        "new_product_status": CTX.new_product_status,
        "sync_shopify_drafts": CTX.sync_shopify_drafts,
    }
