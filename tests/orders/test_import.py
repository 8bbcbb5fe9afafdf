"""JOOR orders into Shopify through both sandboxes: once each, whole, with JOOR's prices, the
retailer as customer, JOOR's dates and numbers on the order; held orders say why."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from joorsync.orders.imports import order_retry
from joorsync.orders.models import ImportedOrder, OrderEvent, RetailerLink
from joorsync.orders.selectors import order_settings_get
from joorsync.sync.models import VariantLink
from shopify_app.admin.inventory import location_default, locations_all
from tests.orders.orders_support import OrderWorld, make_order_world

pytestmark = pytest.mark.django_db
State = ImportedOrder.State

ORDER_DETAIL = """
query OrderDetail($id: ID!) {
  order(id: $id) {
    id name note poNumber tags email sourceIdentifier processedAt currencyCode displayFinancialStatus
    customAttributes { key value }
    customer { id email }
    shippingAddress { address1 city countryCodeV2 company }
    billingAddress { address1 city countryCodeV2 }
    totalPriceSet { shopMoney { amount currencyCode } }
    lineItems(first: 50) { nodes { quantity sku variant { id } originalUnitPriceSet { shopMoney { amount } } } }
  }
}
"""


def detail(world: OrderWorld, order_id: str) -> dict[str, Any]:
    client = world.world.shopify_client()
    return client.execute_document(ORDER_DETAIL, {"id": order_id}, operation_name="OrderDetail").data["order"]


@pytest.fixture
def world() -> OrderWorld:
    return make_order_world()


def test_orders_appear_once_with_lines_prices_customer_and_dates(world: OrderWorld) -> None:
    skus = world.skus(3)
    first = world.place(
        [(skus[0], 3), (skus[1], 5)],
        po_number="PO-1",
        start_ship_date="2027-01-15",
        complete_ship_date="2027-02-28",
    )
    second = world.place([(skus[2], 1)])
    result = world.run()
    assert result.counters.get("imported") == 2
    shopify = world.shopify_orders()
    assert len(shopify) == 2
    row = world.row(first)
    assert row.state == State.IMPORTED and row.shopify_order_name.startswith("#")
    joor_order = world.joor.catalog.orders[int(first)]
    got = detail(world, row.shopify_order_id)
    links = {v.shopify_variant_id: v for v in VariantLink.objects.filter(product_link__shop=world.shop)}
    lines = {
        (
            links[n["variant"]["id"]].upc,
            n["quantity"],
            Decimal(n["originalUnitPriceSet"]["shopMoney"]["amount"]),
        )
        for n in got["lineItems"]["nodes"]
    }
    expected = {(line.upc, line.quantity, line.price) for line in joor_order.lines}
    assert len(expected) == 2 and all(upc for upc, _, _ in expected)
    assert lines == expected
    assert got["poNumber"] == "PO-1"
    assert f"joor-order-{first}" in got["tags"] and got["sourceIdentifier"] == f"joor:{first}"
    attributes = {a["key"]: a["value"] for a in got["customAttributes"]}
    assert attributes["JOOR order"] == first
    assert (
        attributes["Ship window start"] == "2027-01-15" and attributes["Ship window complete"] == "2027-02-28"
    )
    assert got["customer"]["email"] == joor_order.customer_contact_email.lower()
    assert got["currencyCode"] == "USD" and got["displayFinancialStatus"] == "PENDING"
    assert got["shippingAddress"]["city"] == joor_order.shipping_address.city
    assert (
        RetailerLink.objects.get(shop=world.shop, retailer_code=joor_order.customer_code).shopify_customer_id
        == got["customer"]["id"]
    )
    assert world.row(second).state == State.IMPORTED

    again = world.run()
    assert again.counters.get("imported", 0) == 0 and again.counters.get("new") == 0
    assert len(world.shopify_orders()) == 2


def test_the_same_retailer_is_one_customer(world: OrderWorld) -> None:
    retailer = next(iter(world.joor.catalog.retailers))
    world.place(retailer_id=retailer)
    world.place(retailer_id=retailer)
    world.run()
    customers = {o["customer"]["id"] for o in world.shopify_orders()}
    assert len(customers) == 1


def test_an_unlinked_line_holds_the_order_naming_it_and_a_relink_releases_it(world: OrderWorld) -> None:
    skus = world.skus(2)
    order_id = world.place([(skus[0], 1), (skus[1], 2)])
    upc = world.joor.catalog.orders[int(order_id)].lines[1].upc
    target = VariantLink.objects.get(product_link__shop=world.shop, upc=upc)
    saved = target.shopify_variant_id
    VariantLink.objects.filter(pk=target.pk).update(shopify_variant_id="")
    world.run()
    row = world.row(order_id)
    assert row.state == State.HELD and row.hold_code == "UNKNOWN_SKU"
    assert "line 2" in row.hold_message and len(row.hold_details["lines"]) == 1
    assert world.shopify_orders() == []  # never in part
    assert OrderEvent.objects.filter(order=row, action="held").count() == 1
    world.run()
    assert OrderEvent.objects.filter(order=row, action="held").count() == 1  # the same reason is not repeated
    VariantLink.objects.filter(pk=target.pk).update(shopify_variant_id=saved)
    world.run()
    assert world.row(order_id).state == State.IMPORTED
    assert len(world.shopify_orders()) == 1


def test_another_currency_is_held_not_converted(world: OrderWorld) -> None:
    order_id = world.place(price_type_id=world.price_type("EUR"))
    world.run()
    row = world.row(order_id)
    assert (row.state, row.hold_code) == (State.HELD, "CURRENCY")
    assert "EUR" in row.hold_message and world.shopify_orders() == []


def test_an_email_already_another_retailers_customer_is_held(world: OrderWorld) -> None:
    retailers = list(world.joor.catalog.retailers.values())
    a, b = retailers[0], retailers[1]
    world.place(retailer_id=a.id)
    world.run()
    taken = world.joor.catalog.orders[max(world.joor.catalog.orders)].customer_contact_email
    order_id = world.place(retailer_id=b.id, customer_contact_email=taken)
    world.run()
    row = world.row(order_id)
    assert (row.state, row.hold_code) == (State.HELD, "EMAIL_TAKEN")
    assert taken.lower() in row.hold_message
    assert len(world.shopify_orders()) == 1


def test_a_person_retries_a_held_order(world: OrderWorld) -> None:
    order_id = world.place(price_type_id=world.price_type("EUR"))
    world.run()
    row = world.row(order_id)
    assert order_retry(order=row) is True
    assert world.row(order_id).state == State.RECEIVED
    assert order_retry(order=world.row(order_id)) is False  # not held any more


def test_mark_as_paid_and_tags_follow_the_settings(world: OrderWorld) -> None:
    settings = order_settings_get(shop=world.shop)
    settings.financial_status = "PAID"
    settings.tags = "Wholesale, JOOR, FW27"
    settings.save()
    world.place()
    world.run()
    (order,) = world.shopify_orders()
    assert order["displayFinancialStatus"] == "PAID"
    assert {"Wholesale", "JOOR", "FW27"} <= set(order["tags"])


def test_zero_and_duplicated_lines_are_handled_and_recorded(world: OrderWorld) -> None:
    a, b = world.skus(2)
    body = {
        "allow_unusual_lines": True,
        "price_type_id": world.price_type(),
        "status": "APPROVED",
        "sku_line_items": [
            {"sku_id": a, "quantity": 2},
            {"sku_id": a, "quantity": 3},
            {"sku_id": b, "quantity": 0},
        ],
    }
    order_id = str(world.joor.place_order(body)["order_id"])
    world.run()
    row = world.row(order_id)
    assert row.state == State.IMPORTED
    got = detail(world, row.shopify_order_id)
    assert [n["quantity"] for n in got["lineItems"]["nodes"]] == [5]
    assert (
        "2 lines for the same variant" in got["note"] and "1 line(s) with quantity 0 left out" in got["note"]
    )
    assert row.document["lines"][2]["quantity"] == 0


def test_an_order_without_any_address_is_held(world: OrderWorld) -> None:
    order_id = world.place(shipping_address="", billing_address="")
    world.run()
    row = world.row(order_id)
    assert (row.state, row.hold_code) == (State.HELD, "NO_ADDRESS")
    assert world.shopify_orders() == []


PURCHASER = """
query Purchaser($id: ID!) {
  order(id: $id) {
    customer { id }
    purchasingEntity { __typename ... on PurchasingCompany { company { id externalId } location { id } } }
  }
}
"""


def test_b2b_retailer_is_one_company_with_its_location(world: OrderWorld) -> None:
    settings = order_settings_get(shop=world.shop)
    settings.retailer_mode = "company"
    settings.save()
    retailer = next(iter(world.joor.catalog.retailers.values()))
    first = world.place(retailer_id=retailer.id)
    second = world.place(retailer_id=retailer.id)
    world.run()
    link = RetailerLink.objects.get(shop=world.shop, retailer_code=retailer.code)
    client = world.world.shopify_client()
    for order_id in (first, second):
        got = client.execute_document(
            PURCHASER, {"id": world.row(order_id).shopify_order_id}, operation_name="Purchaser"
        ).data["order"]
        entity = got["purchasingEntity"]
        assert entity["__typename"] == "PurchasingCompany"
        assert entity["company"] == {"id": link.shopify_company_id, "externalId": retailer.code}
        assert entity["location"]["id"] == link.shopify_company_location_id
        assert got["customer"]["id"] == link.shopify_customer_id


def test_a_company_made_before_an_interruption_is_found_not_made_again(world: OrderWorld) -> None:
    settings = order_settings_get(shop=world.shop)
    settings.retailer_mode = "company"
    settings.save()
    retailer = next(iter(world.joor.catalog.retailers.values()))
    world.place(retailer_id=retailer.id)
    world.run()
    made = RetailerLink.objects.get(shop=world.shop, retailer_code=retailer.code)
    made.delete()  # as if the worker died after companyCreate, before the link was stored
    world.place(retailer_id=retailer.id)
    world.run()
    again = RetailerLink.objects.get(shop=world.shop, retailer_code=retailer.code)
    assert again.shopify_company_id == made.shopify_company_id


def test_the_order_goes_to_the_location_of_its_warehouse_or_linesheet(world: OrderWorld) -> None:
    locations = locations_all(world.world.shopify_client())
    default = location_default(locations)
    assert default is not None and len(locations) >= 2, "the sandbox shop has two locations"
    main = default.id  # where an order goes unless its warehouse says otherwise
    second = next(loc.id for loc in locations if loc.id != main)
    settings = order_settings_get(shop=world.shop)
    settings.warehouse_locations = {"LA": second}
    settings.save()
    to_second = world.place(warehouse_code="LA")
    to_main = world.place(warehouse_code="NY")
    world.run()
    state = """query S($id: ID!) { order(id: $id) { fulfillmentOrders(first: 5) { nodes { assignedLocation { location { id } } } } } }"""
    client = world.world.shopify_client()

    def assigned(order_id: str) -> set[str]:
        data = client.execute_document(
            state, {"id": world.row(order_id).shopify_order_id}, operation_name="S"
        ).data
        return {n["assignedLocation"]["location"]["id"] for n in data["order"]["fulfillmentOrders"]["nodes"]}

    assert assigned(to_second) == {second}
    assert assigned(to_main) == {main}
    assert OrderEvent.objects.filter(order=world.row(to_second), action="location").exists()


def test_a_retailer_already_a_shopify_customer_becomes_its_companys_contact(world: OrderWorld) -> None:
    retailer = next(iter(world.joor.catalog.retailers.values()))
    world.place(retailer_id=retailer.id)
    world.run()  # as a customer: the e-mail is now a Shopify customer's
    customer = RetailerLink.objects.get(shop=world.shop, retailer_code=retailer.code).shopify_customer_id
    RetailerLink.objects.filter(shop=world.shop).delete()
    settings = order_settings_get(shop=world.shop)
    settings.retailer_mode = "company"
    settings.save()
    order_id = world.place(retailer_id=retailer.id)
    world.run()
    row = world.row(order_id)
    assert row.state == State.IMPORTED, row.hold_message
    link = RetailerLink.objects.get(shop=world.shop, retailer_code=retailer.code)
    assert link.shopify_customer_id == customer and link.shopify_company_location_id


def test_an_order_joors_export_checks_refuse_waits_until_joor_exports_it(world: OrderWorld) -> None:
    order_id = world.place()
    world.joor.set_missing_export_fields(order_id, ["customer_code"])
    world.run()
    row = world.row(order_id)
    assert (row.state, row.hold_code) == (State.HELD, "JOOR_EXPORT_FAILED")
    assert world.joor.catalog.orders[int(order_id)].export_failed
    assert world.shopify_orders() == []
    world.joor.set_missing_export_fields(order_id, [])  # the brand fills the field in JOOR
    world.run()
    assert world.row(order_id).state == State.IMPORTED
    assert len(world.shopify_orders()) == 1


def test_an_order_shopify_refuses_is_held_with_shopifys_words(world: OrderWorld) -> None:
    settings = order_settings_get(shop=world.shop)
    settings.inventory_behaviour = "DECREMENT_OBEYING_POLICY"  # claim stock; refuse when short
    settings.save()
    sku = world.skus(1, stocked=True)[0]
    order_id = world.place([(sku, 100_000)])
    world.run()
    row = world.row(order_id)
    assert (row.state, row.hold_code) == (State.HELD, "SHOPIFY_REFUSED"), row.hold_message
    assert "Shopify refused the order" in row.hold_message and row.hold_details["errors"]
    assert world.shopify_orders() == []
    assert row.creating_since is None  # nothing waits to be looked up: Shopify created nothing
