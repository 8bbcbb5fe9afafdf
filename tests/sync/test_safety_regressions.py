"""Sequences the long random profile of the safety model found, kept as they were shrunk: a product
with variants outside Color × Size stays a listed problem; a style unlinked from one product is not
hand-linked to another while the first still carries its JOOR fields."""

import pytest

from joorsync.sync.models import SyncJob
from tests.sync.test_safety_model import LongSafetyMachine

pytestmark = pytest.mark.django_db


def test_a_product_whose_colour_option_was_renamed_stays_a_listed_problem():
    state = LongSafetyMachine()
    state.start(styles=3, seed=27, factor=None, first_sync=True)
    state.merchant_edits_text(edit=("title", "Summer Dress"), pick=0)
    state.settle()
    state.settle()
    state.merchant_renames_the_colour_option(pick=1)
    state.merchant_adds_variant(pick=3, price="80.00")
    state.merchant_edits_text(edit=("title", "L" * 255), pick=5)
    state.merchant_unlinks(pick=6)
    state.brand_changes_the_grid(change="add colour", pick=4)
    state.brand_changes_the_grid(change="remove size", pick=4)
    state.sync_while_a_side_fails(fault="5xx", kind=SyncJob.Kind.FULL, rate=1.0, side="shopify")
    state.sync_one_product(pick=7, webhook=False)
    state.merchant_links_by_hand(product=3, style=1)
    state.brand_edits_tags(pick=1, tags=())
    state.merchant_creates_product(matching=False, pick=0, price="80.00", status="ACTIVE")
    state.merchant_renames_the_colour_option(pick=0)
    state.settle()
    state.teardown()


def test_a_style_unlinked_from_one_product_is_not_hand_linked_to_another():
    state = LongSafetyMachine()
    state.start(styles=3, seed=27, factor=None, first_sync=True)
    state.merchant_edits_text(edit=("title", "Summer Dress"), pick=0)
    state.settle()
    state.merchant_sets_stock(pick=0, quantity=0, variant=0)
    state.merchant_adds_variant(pick=0, price="19.99")
    state.merchant_edits_text(edit=("title", "Summer Dress"), pick=0)
    state.settle()
    state.settle()
    state.settle()
    state.sync_while_a_side_fails(fault="5xx", kind=SyncJob.Kind.FULL, rate=0.3, side="joor")
    state.sync_one_product(pick=0, webhook=False)
    state.merchant_links_by_hand(product=0, style=0)
    state.settle()
    state.merchant_creates_product(matching=False, pick=0, price="19.99", status="ACTIVE")
    state.settle()
    state.settle()
    state.settle()
    state.brand_creates_style(matching=True, pick=2)
    state.sync(kind=SyncJob.Kind.INCREMENTAL)
    state.merchant_unlinks(pick=3)
    state.merchant_unlinks(pick=3)
    state.brand_sets_price(field="price_wholesale", pick=0, price="19.99")
    state.merchant_links_by_hand(product=2, style=5)
    state.brand_edits_tags(pick=4, tags=())
    state.merchant_sets_ownership(group="inventory", owner="joor")
    state.teardown()
